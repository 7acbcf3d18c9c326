// A shared object that is not an Ingot plugin at all.
extern "C" int some_unrelated_function(void) {
    return 42;
}
