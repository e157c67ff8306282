// CLibFuzzer: a header-only shim; SwiftPM wants one source file per C target.
#include "CLibFuzzer.h"
