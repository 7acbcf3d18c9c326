#include "vbmc/redfish_errors.h"

#include <nlohmann/json.hpp>

#include "common/log.h"

namespace ingot::vbmc {

http::Response redfish_json(int status, const std::string& body) {
    http::Response r;
    r.status = status;
    r.body = body;
    r.headers.emplace_back("OData-Version", "4.0");
    return r;
}

http::Response error_response(int status, const std::string& message_id, const std::string& message,
                              const std::vector<std::string>& related_properties) {
    nlohmann::json info = {
        {"@odata.type", "#Message.v1_1_1.Message"},
        {"MessageId", "Base.1.0." + message_id},
        {"Message", message},
        {"MessageArgs", nlohmann::json::array()},
        {"Severity", status >= 500 ? "Critical" : "Warning"},
        {"Resolution", status >= 500 ? "Retry the operation; if it fails again, check the ingot-vbmc log."
                                     : "Correct the request and resubmit it."}};
    if (!related_properties.empty()) info["RelatedProperties"] = related_properties;
    nlohmann::json body = {{"error",
                            {{"code", "Base.1.0.GeneralError"},
                             {"message", message},
                             {"@Message.ExtendedInfo", nlohmann::json::array({info})}}}};
    return redfish_json(status, body.dump());
}

http::Response error_response(const std::exception& e) {
    if (auto* r = dynamic_cast<const RedfishError*>(&e))
        return error_response(r->http_status(), r->message_id(), r->what(), r->related_properties());
    if (auto* i = dynamic_cast<const Error*>(&e)) {
        const int status = i->http_status();
        const char* id = status == 404   ? "ResourceMissingAtURI"
                         : status == 409 ? "ResourceInUse"
                         : status == 400 ? "GeneralError"
                         : status == 503 ? "ServiceTemporarilyUnavailable"
                                         : "InternalError";
        return error_response(status, id, i->what());
    }
    return error_response(500, "InternalError", std::string("internal error: ") + e.what());
}

void deliver(const http::Reply& reply, http::Response response) {
    try {
        reply(std::move(response));
    } catch (const std::exception& e) {
        log::warning("vbmc.reply_failed", {{"error", e.what()}});
    }
}

}  // namespace ingot::vbmc
