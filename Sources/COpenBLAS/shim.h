// COpenBLAS: OpenBLAS's CBLAS interface (with openblas_get_corename and thread control) and LAPACKE.
#include <cblas.h>
#include <lapacke.h>
