// CHDF5: the HDF5 C API, plus functions for the type and property-list ids that HDF5 exposes only
// as macros over global variables (which Swift cannot import).
#include <hdf5.h>

static inline hid_t paltrain_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t paltrain_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t paltrain_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t paltrain_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t paltrain_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t paltrain_h5p_file_access(void) { return H5P_FILE_ACCESS; }
