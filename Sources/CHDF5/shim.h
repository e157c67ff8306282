// CHDF5: the HDF5 C API, plus functions for the type and property-list ids that HDF5 exposes only
// as macros over global variables (which Swift cannot import).
#include <hdf5.h>

static inline hid_t paltrain_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t paltrain_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t paltrain_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t paltrain_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t paltrain_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t paltrain_h5p_file_access(void) { return H5P_FILE_ACCESS; }

// Used by Checkpoint: file-access flags, little-endian on-disk types, the variable-length string
// size, and turning off HDF5's file locking (checkpoints are replaced by rename, never edited in place).
static inline unsigned paltrain_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned paltrain_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline unsigned paltrain_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline hid_t paltrain_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t paltrain_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline size_t paltrain_h5t_variable(void) { return H5T_VARIABLE; }
static inline herr_t paltrain_h5p_disable_file_locking(hid_t fapl) {
#if H5_VERSION_GE(1, 10, 7)
    return H5Pset_file_locking(fapl, 0, 1);
#else
    (void)fapl;
    return 0;
#endif
}
