// Redfish error bodies (DSP0266 "Error responses"), in the shape sushy and
// sushy-tools use:
//   {"error": {"code": "Base.1.0.GeneralError", "message": "...",
//              "@Message.ExtendedInfo": [{"MessageId": "Base.1.0.PropertyValueNotInList",
//                                         "Message": "...", "RelatedProperties": ["#/Boot/..."],
//                                         "Severity": "Warning", ...}]}}
#pragma once

#include <string>
#include <vector>

#include "common/errors.h"
#include "http/message.h"

namespace ingot::vbmc {

// An error that knows its Redfish message id and the properties it is about.
class RedfishError : public Error {
public:
    // `message_id` without the registry prefix: "PropertyValueNotInList".
    RedfishError(int status, std::string message_id, const std::string& message,
                 std::vector<std::string> related_properties = {})
        : Error(message),
          status_(status),
          message_id_(std::move(message_id)),
          related_(std::move(related_properties)) {}
    int http_status() const override { return status_; }
    const std::string& message_id() const { return message_id_; }
    const std::vector<std::string>& related_properties() const { return related_; }

private:
    int status_;
    std::string message_id_;
    std::vector<std::string> related_;
};

// A JSON body with the headers every Redfish answer carries.
http::Response redfish_json(int status, const std::string& body);
http::Response error_response(int status, const std::string& message_id, const std::string& message,
                              const std::vector<std::string>& related_properties = {});
// Maps any exception: a RedfishError as it says, another ingot::Error by its
// http_status() with a generic message id, anything else to 500 InternalError.
http::Response error_response(const std::exception& e);

// Answers a deferred request. A client that has gone away (timed out while
// the answer was being prepared) is logged, never thrown to the caller.
void deliver(const http::Reply& reply, http::Response response);

}  // namespace ingot::vbmc
