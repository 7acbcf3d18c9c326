// What every interface has (Ironic's BaseInterface): the driver_info keys it
// reads, and a validation that names the key that is missing or wrong.
#pragma once

#include <string>
#include <vector>

#include "common/errors.h"
#include "interfaces/task.h"

namespace ingot::interfaces {

struct PropertySpec {
    std::string name;
    std::string description;
    bool required = false;
};

// A required driver_info key is absent.
class MissingParameter : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

// A driver_info key has a value the interface cannot use.
class InvalidParameter : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

// The interface cannot do what was asked (e.g. a no-op interface asked to act).
class UnsupportedOperation : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

// The BMC could not be reached, refused, or failed the operation. The message
// says which node, which BMC and what it answered; it never holds a secret.
class BmcError : public Error {
public:
    using Error::Error;
};

class BaseInterface {
public:
    virtual ~BaseInterface() = default;
    virtual std::vector<PropertySpec> properties() const { return {}; }
    // Throws MissingParameter/InvalidParameter naming the key.
    virtual void validate(const Task& task) const {}
};

// Throws MissingParameter listing every required property absent from
// driver_info: "Missing the following <what> in node's driver_info: ['a', 'b']."
void require_properties(const Task& task, const std::vector<PropertySpec>& props, const std::string& what);

}  // namespace ingot::interfaces
