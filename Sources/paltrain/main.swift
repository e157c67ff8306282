// paltrain's entry point: choose OpenBLAS's kernel before anything else, then run the command tree.
import Foundation
import TensorCore

BLAS.relaunchWithBestCoreTypeIfNeeded()
setvbuf(stdout, nil, _IOLBF, 0)   // progress lines appear as they happen in logs and pipes too
Paltrain.main()
