// paltrain's entry point: choose OpenBLAS's kernel before anything else, then run the command tree.
import TensorCore

BLAS.relaunchWithBestCoreTypeIfNeeded()
Paltrain.main()
