#include <gtest/gtest.h>

#include "interfaces/extension.h"
#include "interfaces/power.h"
#include "interfaces/registry.h"

using namespace ingot;
using namespace ingot::interfaces;

namespace {
struct Marker : Extension {
    int id = 0;
};
std::function<std::unique_ptr<Extension>()> make(int id) {
    return [id] {
        auto m = std::make_unique<Marker>();
        m->id = id;
        return m;
    };
}
}  // namespace

TEST(Registry, AddCreateAndList) {
    Registry r;
    r.add<Extension>({kExtensionsNamespace, "b", "1.0", "second"}, make(2));
    r.add<Extension>({kExtensionsNamespace, "a", "1.0", "first"}, make(1));
    auto a = r.create<Extension>(kExtensionsNamespace, "a");
    EXPECT_EQ(static_cast<Marker&>(*a).id, 1);
    auto list = r.list(kExtensionsNamespace);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].name, "a");
    EXPECT_EQ(list[0].origin, "built-in");
    EXPECT_TRUE(r.list("ingot.power").empty());
}

TEST(Registry, DuplicateNameIsAClearError) {
    Registry r;
    r.add<Extension>({kExtensionsNamespace, "a", "1.0", ""}, make(1));
    try {
        r.add<Extension>({kExtensionsNamespace, "a", "2.0", ""}, make(2));
        FAIL();
    } catch (const DuplicatePlugin& e) {
        EXPECT_NE(std::string(e.what()).find("duplicate plugin name 'a' in namespace ingot.extensions"),
                  std::string::npos);
    }
    // The same name in another namespace is fine.
    r.add<Extension>({"ingot.other", "a", "1.0", ""}, make(3));
}

TEST(Registry, MergeIsAllOrNothing) {
    Registry r;
    r.add<Extension>({kExtensionsNamespace, "taken", "1.0", ""}, make(1));
    Registry plugin;
    plugin.set_origin("/plugins/x.so");
    plugin.add<Extension>({kExtensionsNamespace, "new-one", "1.0", ""}, make(2));
    plugin.add<Extension>({kExtensionsNamespace, "taken", "1.0", ""}, make(3));
    EXPECT_THROW(r.merge(std::move(plugin)), DuplicatePlugin);
    EXPECT_FALSE(r.contains(kExtensionsNamespace, "new-one"));
    Registry good;
    good.set_origin("/plugins/y.so");
    good.add<Extension>({kExtensionsNamespace, "new-one", "1.0", ""}, make(2));
    r.merge(std::move(good));
    EXPECT_EQ(r.find(kExtensionsNamespace, "new-one")->origin, "/plugins/y.so");
}

TEST(Registry, WrongTypeAndUnknownNameAreRefused) {
    Registry r;
    r.add<Extension>({"ingot.power", "odd", "1.0", ""}, make(1));
    EXPECT_THROW(r.create<PowerInterface>("ingot.power", "odd"), Error);
    EXPECT_THROW(r.create<PowerInterface>("ingot.power", "missing"), NotFound);
}
