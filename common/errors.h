// Typed errors shared by every part of Ingot. Code throws these; the REST
// layer maps them to Ironic's status codes and error bodies in one place
// (error_response() in conductor/api/dispatcher.cpp), so nothing below the
// API writes HTTP.
#pragma once

#include <stdexcept>
#include <string>

namespace ingot {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    // HTTP status an API client sees for this error.
    virtual int http_status() const { return 500; }
};

// 400: the request is malformed or asks for something invalid.
class InvalidInput : public Error {
public:
    using Error::Error;
    int http_status() const override { return 400; }
};

// 401: no credentials, or credentials that do not check out.
class Unauthorized : public Error {
public:
    using Error::Error;
    int http_status() const override { return 401; }
};

// 415: a write whose body is not JSON (also what stops a browser's
// cross-site form post).
class UnsupportedMediaType : public Error {
public:
    using Error::Error;
    int http_status() const override { return 415; }
};

// 403: the operation is not permitted on this resource (e.g. a protected node).
class Forbidden : public Error {
public:
    using Error::Error;
    int http_status() const override { return 403; }
};

// 404: a resource does not exist (or must look as if it did not).
class NotFound : public Error {
public:
    using Error::Error;
    int http_status() const override { return 404; }
};

// 405: the path exists, the method does not.
class MethodNotAllowed : public Error {
public:
    using Error::Error;
    int http_status() const override { return 405; }
};

// 406: the requested API microversion or a field it names is not supported.
class NotAcceptable : public Error {
public:
    using Error::Error;
    int http_status() const override { return 406; }
};

// 409: uniqueness conflict, a locked node, or a state that forbids the change.
class Conflict : public Error {
public:
    using Error::Error;
    int http_status() const override { return 409; }
};

// 413: the request body is larger than [api] max_request_body_size.
class PayloadTooLarge : public Error {
public:
    using Error::Error;
    int http_status() const override { return 413; }
};

// 503: no free worker to take the request.
class ServiceUnavailable : public Error {
public:
    using Error::Error;
    int http_status() const override { return 503; }
};

// A configuration file or option is wrong; start-up stops with this message.
class ConfigError : public Error {
public:
    using Error::Error;
};

}  // namespace ingot
