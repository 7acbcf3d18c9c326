// Which tar entry paths extract_tar accepts.
#include <gtest/gtest.h>

#include "ramdisk-agent/image/tar_extract.h"

using ingot::agent::image::is_safe_entry_path;

TEST(AgentImageTar, RelativePathsInsideTheTreeAreSafe) {
    for (const char* p : {"etc/passwd", "./etc/passwd", "./", ".", "usr/lib/..data", "a/b/c/", "x..y"})
        EXPECT_TRUE(is_safe_entry_path(p)) << p;
}

TEST(AgentImageTar, AbsoluteAndDotDotPathsAreRefused) {
    for (const char* p : {"/etc/passwd", "../x", "a/../../x", "a/..", "..", "./../x", ""})
        EXPECT_FALSE(is_safe_entry_path(p)) << p;
}
