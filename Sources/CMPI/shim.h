#ifndef DIFFUSIONSWEEP_CMPI_SHIM_H
#define DIFFUSIONSWEEP_CMPI_SHIM_H
#include <mpi.h>

/* Open MPI defines its handles as macros over addresses of global structs, which Swift cannot
   import; these functions hand them over as plain values. */
static inline MPI_Comm swift_MPI_COMM_WORLD(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype swift_MPI_BYTE(void) { return MPI_BYTE; }
static inline MPI_Datatype swift_MPI_CHAR(void) { return MPI_CHAR; }
static inline MPI_Datatype swift_MPI_INT(void) { return MPI_INT; }
static inline MPI_Datatype swift_MPI_INT64_T(void) { return MPI_INT64_T; }
static inline MPI_Datatype swift_MPI_UINT64_T(void) { return MPI_UINT64_T; }
static inline MPI_Datatype swift_MPI_FLOAT(void) { return MPI_FLOAT; }
static inline MPI_Datatype swift_MPI_DOUBLE(void) { return MPI_DOUBLE; }
static inline MPI_Op swift_MPI_SUM(void) { return MPI_SUM; }
static inline MPI_Op swift_MPI_MAX(void) { return MPI_MAX; }
static inline int swift_MPI_ANY_SOURCE(void) { return MPI_ANY_SOURCE; }
static inline int swift_MPI_ANY_TAG(void) { return MPI_ANY_TAG; }
static inline int swift_MPI_SUCCESS(void) { return MPI_SUCCESS; }
static inline int swift_MPI_MAX_PROCESSOR_NAME(void) { return MPI_MAX_PROCESSOR_NAME; }
static inline MPI_Status *swift_MPI_STATUS_IGNORE(void) { return MPI_STATUS_IGNORE; }
static inline int swift_MPI_THREAD_FUNNELED(void) { return MPI_THREAD_FUNNELED; }
static inline int swift_MPI_COMM_TYPE_SHARED(void) { return MPI_COMM_TYPE_SHARED; }
static inline MPI_Info swift_MPI_INFO_NULL(void) { return MPI_INFO_NULL; }

#endif
