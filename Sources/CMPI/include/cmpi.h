// cmpi: the few MPI calls paltrain's data-parallel trainer needs, on MPI_COMM_WORLD, with Open MPI's
// libmpi opened at run time (dlopen) only when a launcher started the process: a plain run never
// loads MPI, and building paltrain needs no MPI headers. Every call returns 0 or an MPI error code.
#ifndef CMPI_H
#define CMPI_H

#include <stddef.h>

/// Opens libmpi and resolves every symbol below; on failure writes why into `error`.
int cmpi_load(char *error, size_t capacity);
/// MPI_Init_thread (funneled: only the main thread calls MPI), errors returned rather than fatal.
int cmpi_init(int *rank, int *size);
int cmpi_finalize(void);
/// MPI_Abort on MPI_COMM_WORLD: the launcher stops every rank.
void cmpi_abort(int code);
/// The text of an MPI error code.
void cmpi_error_string(int code, char *out, size_t capacity);

// Blocking collectives (Open MPI picks its tuned algorithm for the size); sums are in place.
int cmpi_allreduce_sum_float(float *buffer, int count);
int cmpi_allreduce_sum_double(double *buffer, int count);
int cmpi_allgather_bytes(const void *send, int bytes, void *receive);
int cmpi_bcast_bytes(void *buffer, int bytes, int root);

#endif
