# The two commands the README promises, and a few helpers.
#   make run    install what is missing, build, start the conductor
#   make test   install what is missing, build, run the whole test suite
#               (and the fuzz targets, briefly: make fuzz)
BUILD_DIR ?= build
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 15
JOBS ?= 2
CONFIG ?= etc/ingot.conf.dev

.PHONY: deps test-deps configure build run test fuzz ramdisk e2e-image clean

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

configure:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

# Only the programs: starting the conductor needs no test build.
run: deps configure
	cmake --build $(BUILD_DIR) -j$(JOBS) --target ingot-conductor ingot
	$(BUILD_DIR)/bin/ingot-conductor --config-file $(CONFIG)

# The agent ramdisk (kernel + initramfs) that machines boot: PXE, iPXE or ISO.
ramdisk: configure
	cmake --build $(BUILD_DIR) -j$(JOBS) --target ingot-agent
	scripts/build-ramdisk --output $(BUILD_DIR)/ramdisk --agent $(BUILD_DIR)/bin/ingot-agent

# What the end-to-end tests deploy (tests/e2e).
e2e-image: ramdisk
	tests/e2e/build-instance-image $(BUILD_DIR)/ramdisk/instance.raw --ramdisk-dir $(BUILD_DIR)/ramdisk

test: test-deps configure e2e-image
	cmake --build $(BUILD_DIR) -j$(JOBS)
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 900
	$(MAKE) fuzz

# The libFuzzer targets (fuzz/), built by clang with ASan and UBSan in a
# directory of their own, each run FUZZ_SECONDS from its seed corpus; a
# crash, leak or sanitizer report fails. Long runs: bench/fuzz/run.
fuzz: test-deps
	cmake -S . -B $(FUZZ_BUILD_DIR) -DINGOT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DINGOT_FUZZ_SECONDS=$(FUZZ_SECONDS)
	cmake --build $(FUZZ_BUILD_DIR) -j$(JOBS) --target ingot_fuzzers
	cd $(FUZZ_BUILD_DIR) && ctest -L fuzz --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_BUILD_DIR)
