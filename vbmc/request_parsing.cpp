#include "vbmc/request_parsing.h"

#include "common/json_input.h"
#include "vbmc/media_download.h"
#include "vbmc/redfish_errors.h"

namespace ingot::vbmc {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad_value(const std::string& pointer, const std::string& property, const json& value) {
    throw RedfishError(
        400, "PropertyValueNotInList",
        "The value " + value.dump() + " for the property " + property + " is not in the list of acceptable values.",
        {pointer});
}

[[noreturn]] void bad_type(const std::string& pointer, const std::string& property, const json& value) {
    throw RedfishError(400, "PropertyValueTypeError",
                       "The value " + value.dump() + " for the property " + property +
                           " is of a different type than the property can accept.",
                       {pointer});
}

const std::string& string_value(const json& obj, const std::string& key, const std::string& pointer) {
    const json& v = obj.at(key);
    if (!v.is_string()) bad_type(pointer, key, v);
    return v.get_ref<const std::string&>();
}

bool bool_value(const json& obj, const char* key, bool fallback) {
    if (!obj.contains(key)) return fallback;
    if (!obj[key].is_boolean()) bad_type(std::string("#/") + key, key, obj[key]);
    return obj[key].get<bool>();
}

}  // namespace

json parse_body(const std::string& body, bool empty_ok) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (empty_ok) return json::object();
        throw RedfishError(400, "MalformedJSON", "The request body is empty; a JSON object is required.");
    }
    json doc = try_parse_json(body);
    if (doc.is_discarded() || !doc.is_object())
        throw RedfishError(400, "MalformedJSON",
                           "The request body submitted was malformed JSON and could not be parsed.");
    return doc;
}

BootOverride apply_boot_patch(const json& body, BootOverride current) {
    for (const auto& [key, value] : body.items()) {
        if (key == "Boot") continue;
        if (key.rfind("@odata.", 0) == 0) continue;  // clients may echo @odata.etag etc.
        throw RedfishError(400, "PropertyNotWritable", "The property " + key + " cannot be changed on this system.",
                           {"#/" + key});
    }
    if (!body.contains("Boot"))
        throw RedfishError(400, "PropertyMissing", "The request changes nothing: Boot is missing.");
    const json& boot = body["Boot"];
    if (!boot.is_object()) bad_type("#/Boot", "Boot", boot);
    for (const auto& [key, value] : boot.items()) {
        const std::string pointer = "#/Boot/" + key;
        if (key == "BootSourceOverrideTarget") {
            auto t = parse_boot_target(string_value(boot, key, pointer));
            if (!t) bad_value(pointer, key, value);
            current.target = *t;
        } else if (key == "BootSourceOverrideEnabled") {
            auto e = parse_boot_enabled(string_value(boot, key, pointer));
            if (!e) bad_value(pointer, key, value);
            current.enabled = *e;
        } else if (key == "BootSourceOverrideMode") {
            auto m = parse_boot_mode(string_value(boot, key, pointer));
            if (!m) bad_value(pointer, key, value);
            current.mode = *m;
        } else {
            throw RedfishError(400, "PropertyUnknown",
                               "The property " + key + " is not in the list of valid properties for the resource.",
                               {pointer});
        }
    }
    return current;
}

ResetType parse_reset(const json& body) {
    if (!body.contains("ResetType"))
        throw RedfishError(
            400, "ActionParameterMissing",
            "The action ComputerSystem.Reset requires the parameter ResetType to be present in the request body.",
            {"#/ResetType"});
    auto type = parse_reset_type(string_value(body, "ResetType", "#/ResetType"));
    if (!type)
        throw RedfishError(400, "ActionParameterNotSupported",
                           "The parameter ResetType for the action ComputerSystem.Reset is not supported: " +
                               body["ResetType"].dump() + ".",
                           {"#/ResetType"});
    return *type;
}

Media parse_insert_media(const json& body) {
    if (!body.contains("Image"))
        throw RedfishError(
            400, "ActionParameterMissing",
            "The action VirtualMedia.InsertMedia requires the parameter Image to be present in the request body.",
            {"#/Image"});
    Media media;
    media.image = string_value(body, "Image", "#/Image");
    if (!is_media_url(media.image))
        throw RedfishError(400, "ActionParameterValueFormatError",
                           "The value " + body["Image"].dump() + " for the parameter Image is not an http(s) URL.",
                           {"#/Image"});
    media.inserted = bool_value(body, "Inserted", true);
    media.write_protected = bool_value(body, "WriteProtected", true);
    return media;
}

}  // namespace ingot::vbmc
