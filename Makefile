# The two commands the README promises, and a few helpers.
#   make run    install what is missing, build, start the conductor
#   make test   install what is missing, build, run the whole test suite
BUILD_DIR ?= build
JOBS ?= 2
CONFIG ?= etc/ingot.conf.dev

.PHONY: deps test-deps build run test bench clean

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/bin/ingot-conductor --config-file $(CONFIG)

test: test-deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 600

clean:
	rm -rf $(BUILD_DIR)
