// cmpi: MPI through dlopen. Open MPI's mpi.h turns MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ... into the
// addresses of global objects (ompi_mpi_comm_world, ...) and MPI_IN_PLACE into
// the constant 1, so resolving those objects with dlsym gives the same handles a program
// compiled against mpi.h uses. This is Open MPI's ABI (libmpi.so.40: Open MPI 3, 4 and 5).
#include "cmpi.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void *handle;   // MPI_Comm, MPI_Datatype, MPI_Op, MPI_Errhandler: pointers in Open MPI

#define IN_PLACE ((void *)1)
#define THREAD_FUNNELED 1

static struct {
    int (*init_thread)(int *, char ***, int, int *);
    int (*finalize)(void);
    int (*abort)(handle, int);
    int (*comm_rank)(handle, int *);
    int (*comm_size)(handle, int *);
    int (*comm_set_errhandler)(handle, handle);
    int (*error_string)(int, char *, int *);
    int (*allreduce)(const void *, void *, int, handle, handle, handle);
    int (*allgather)(const void *, int, handle, void *, int, handle, handle);
    int (*bcast)(void *, int, handle, int, handle);
    handle world, type_float, type_double, type_byte, op_sum, errors_return;
} mpi;

static int resolve(void *library, const char *name, void **into, char *error, size_t capacity) {
    *into = dlsym(library, name);
    if (*into == NULL) snprintf(error, capacity, "libmpi has no symbol %s (paltrain needs Open MPI 3 or later)", name);
    return *into == NULL;
}

int cmpi_load(char *error, size_t capacity) {
    // Global, so Open MPI's own plugins (which it dlopens) can see libmpi's symbols.
    void *library = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) library = dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) {
        snprintf(error, capacity, "cannot load Open MPI's libmpi (%s); install it (Debian: apt-get install openmpi-bin libopenmpi-dev)", dlerror());
        return 1;
    }
    struct { const char *name; void **into; } symbols[] = {
        {"MPI_Init_thread", (void **)&mpi.init_thread}, {"MPI_Finalize", (void **)&mpi.finalize},
        {"MPI_Abort", (void **)&mpi.abort}, {"MPI_Comm_rank", (void **)&mpi.comm_rank},
        {"MPI_Comm_size", (void **)&mpi.comm_size}, {"MPI_Comm_set_errhandler", (void **)&mpi.comm_set_errhandler},
        {"MPI_Error_string", (void **)&mpi.error_string}, {"MPI_Allreduce", (void **)&mpi.allreduce},
        {"MPI_Allgather", (void **)&mpi.allgather}, {"MPI_Bcast", (void **)&mpi.bcast},
        {"ompi_mpi_comm_world", &mpi.world}, {"ompi_mpi_float", &mpi.type_float},
        {"ompi_mpi_double", &mpi.type_double}, {"ompi_mpi_byte", &mpi.type_byte},
        {"ompi_mpi_op_sum", &mpi.op_sum}, {"ompi_mpi_errors_return", &mpi.errors_return},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        if (resolve(library, symbols[i].name, symbols[i].into, error, capacity)) return 1;
    }
    return 0;
}

int cmpi_init(int *rank, int *size) {
    int provided = 0, code = mpi.init_thread(NULL, NULL, THREAD_FUNNELED, &provided);
    if (code == 0) code = mpi.comm_set_errhandler(mpi.world, mpi.errors_return);
    if (code == 0) code = mpi.comm_rank(mpi.world, rank);
    if (code == 0) code = mpi.comm_size(mpi.world, size);
    return code;
}

int cmpi_finalize(void) { return mpi.finalize(); }

void cmpi_abort(int code) { mpi.abort(mpi.world, code); }

void cmpi_error_string(int code, char *out, size_t capacity) {
    char text[512];   // MPI_MAX_ERROR_STRING is 256 in Open MPI
    int length = 0;
    if (mpi.error_string == NULL || mpi.error_string(code, text, &length) != 0) snprintf(text, sizeof text, "MPI error %d", code);
    snprintf(out, capacity, "%s", text);
}

int cmpi_allreduce_sum_float(float *buffer, int count) {
    return mpi.allreduce(IN_PLACE, buffer, count, mpi.type_float, mpi.op_sum, mpi.world);
}

int cmpi_allreduce_sum_double(double *buffer, int count) {
    return mpi.allreduce(IN_PLACE, buffer, count, mpi.type_double, mpi.op_sum, mpi.world);
}

int cmpi_allgather_bytes(const void *send, int bytes, void *receive) {
    return mpi.allgather(send, bytes, mpi.type_byte, receive, bytes, mpi.type_byte, mpi.world);
}

int cmpi_bcast_bytes(void *buffer, int bytes, int root) { return mpi.bcast(buffer, bytes, mpi.type_byte, root, mpi.world); }
