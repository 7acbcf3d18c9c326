// Why writing an image failed. All derive from ingot::Error so a deploy step
// that catches Error reports the message as the step's failure reason.
#pragma once

#include "common/errors.h"

namespace ingot::agent::image {

// The image could not be fetched: HTTP error status, retries exhausted,
// TLS failure, bad URL.
class DownloadError : public Error {
public:
    using Error::Error;
};

// The bytes downloaded do not hash to the expected checksum.
class ChecksumMismatch : public Error {
public:
    using Error::Error;
};

// The image (or its decompressed stream, or qcow2 virtual size) does not fit
// on the target.
class ImageTooLarge : public Error {
public:
    using Error::Error;
};

// The image content is unusable: corrupt compressed stream, truncated
// stream, qemu-img refusing the file.
class ImageFormatError : public Error {
public:
    using Error::Error;
};

// The target cannot be opened, sized, written or synced.
class TargetError : public Error {
public:
    using Error::Error;
};

}  // namespace ingot::agent::image
