# leakguard: the two commands of the README, and a few helpers.
#   make demo   install what is missing, build, scan the bundled samples
#   make test   install what is missing, build, run every test
BUILD ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build build-asan build-tsan demo test test-asan test-tsan fuzz format-check format eval bench bench-logs bench-docs clean

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@echo "== leakguard scan samples/ (values masked; exit 1 means personal data was found) =="
	@./$(BUILD)/leakguard scan samples/ ; rc=$$?; [ $$rc -le 1 ] || exit $$rc

# The whole suite: style, the release build's tests, the same tests under
# ASan+UBSan, the threaded scans under TSan, and each fuzz target for a
# short run.
test: build format-check
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-tsan
	@$(MAKE) --no-print-directory fuzz

# clang with AddressSanitizer + UndefinedBehaviorSanitizer, and the fuzzers
build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DLG_SANITIZE=ON -DLG_FUZZ=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

test-asan: build-asan
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -E '^eval/'

# the CLI with ThreadSanitizer, for the cases whose scans run on several
# threads (the walker, the pool, the sequencer that keeps path order), and
# the sequencer's and the pool's unit tests
TSAN_CASES = jobs_keep_path_order threads_share_one_large_file \
	folder_of_small_files_same_at_every_j files_cut_between_rows_same_at_every_j \
	read_errors_end_a_file_as_read_whole
build-tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DCMAKE_C_FLAGS="-fsanitize=thread -O1" \
		-DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS) --target leakguard-cli test_sequencer test_util fault_io

# (reports go to files: the cases send the scans' stderr elsewhere)
test-tsan: build-tsan
	@rm -rf $(TSAN_BUILD)/reports && mkdir -p $(TSAN_BUILD)/reports
	@fail=0; for c in $(TSAN_CASES); do \
		TSAN_OPTIONS=log_path=$(CURDIR)/$(TSAN_BUILD)/reports/tsan:exitcode=66 \
			timeout 600 sh tests/run_case.sh $(CURDIR)/$(TSAN_BUILD)/leakguard tests/cases/$$c || fail=1; \
	done; \
	for t in test_sequencer test_util; do \
		TSAN_OPTIONS=log_path=$(CURDIR)/$(TSAN_BUILD)/reports/tsan:exitcode=66 \
			timeout 600 $(TSAN_BUILD)/tests/$$t >$(TSAN_BUILD)/$$t.log 2>&1 || \
			{ cat $(TSAN_BUILD)/$$t.log; fail=1; }; \
	done; \
	if ls $(TSAN_BUILD)/reports | grep -q .; then \
		head -80 $(TSAN_BUILD)/reports/*; \
		echo "test-tsan: ThreadSanitizer reported races (above)"; exit 1; \
	fi; \
	[ $$fail = 0 ] || exit 1; \
	echo "test-tsan: $(words $(TSAN_CASES)) threaded cases, test_sequencer and test_util (the pool) clean under ThreadSanitizer"

fuzz: build-asan
	@sh tests/fuzz/run.sh $(ASAN_BUILD) $${FUZZ_SECONDS:-20}

# and no <ctype.h> class or case function, nor strcasecmp and kin, in the
# sources: they follow the user's locale (util.h's lg_is_*, lg_to_* and
# lg_ascii_*casecmp look at ASCII only)
CTYPE_CALLS = \b(is(alnum|alpha|blank|cntrl|digit|graph|lower|print|punct|space|upper|xdigit)|to(lower|upper)|strn?casecmp|strcasestr)\(
format-check: deps
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests -name '*.[ch]')
	@! grep -rnE '$(CTYPE_CALLS)' src include || \
		{ echo "format-check: use lg_is_*, lg_to_*, lg_ascii_*casecmp/casestr (src/util/util.h): <ctype.h> and strcasecmp follow the locale" >&2; exit 1; }

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

eval: build
	@python3 tests/eval/score.py --leakguard $(BUILD)/leakguard --corpus tests/eval

bench: build
	@bash bench/scan.sh

bench-logs: build
	@bash bench/logs.sh

bench-docs: build
	@bash bench/docs.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
