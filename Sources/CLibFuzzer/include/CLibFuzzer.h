// CLibFuzzer: libFuzzer's entry for programs that keep their own main (clang's runtime, linked by
// -sanitize=fuzzer; only `make fuzz` builds with it, so only code under PALTRAIN_LIBFUZZER calls it).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
