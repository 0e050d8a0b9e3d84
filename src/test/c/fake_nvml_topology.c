/*
 * NVLink topology for the fake libnvidia-ml.so.1 (compiled into the same library as fake_nvml.c by
 * build-fake-nvml.sh). Kept in its own file so the topology tests and the per-GPU reading tests can
 * change independently.
 *
 * Function signatures and enum values follow NVIDIA's nvml.h (NVML API 12): nvmlDeviceGetNvLinkState,
 * nvmlDeviceGetNvLinkRemoteDeviceType, nvmlDeviceGetNvLinkRemotePciInfo_v2,
 * nvmlDeviceGetTopologyCommonAncestor, nvmlDeviceGetP2PStatus.
 *
 * After fake_topology_reset() nothing is configured and every call answers NVML_ERROR_NOT_SUPPORTED,
 * as on a one-GPU machine or a PCIe card without NVLink. A GPU with at least one configured link
 * answers NVML_ERROR_INVALID_ARGUMENT for link numbers it does not have, as NVML does past a device's
 * last link.
 */
#include <pthread.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
struct nvmlDevice_st { int index; }; /* as in fake_nvml.c */

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3

typedef struct nvmlPciInfo_st {
    char busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

#define TOPO_MAX_DEV 8
#define NVML_NVLINK_MAX_LINKS 18

int fake_init_depth(void);                          /* fake_nvml.c */
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count); /* fake_nvml.c */

typedef struct { int set; int active; int type; unsigned int domain, bus, device; } topo_link_t;

static pthread_mutex_t topo_lock = PTHREAD_MUTEX_INITIALIZER;
static topo_link_t topo_links[TOPO_MAX_DEV][NVML_NVLINK_MAX_LINKS];
static int topo_p2p[TOPO_MAX_DEV][TOPO_MAX_DEV];      /* -1: NOT_SUPPORTED */
static int topo_level[TOPO_MAX_DEV][TOPO_MAX_DEV];    /* -1: NOT_SUPPORTED */
static int topo_calls;
static char topo_fail_function[64];
static int topo_fail_rc;

/** Forgets every link, P2P status, PCIe path and injected error; counts from zero again. */
void fake_topology_reset(void) {
    pthread_mutex_lock(&topo_lock);
    memset(topo_links, 0, sizeof topo_links);
    for (int a = 0; a < TOPO_MAX_DEV; a++) {
        for (int b = 0; b < TOPO_MAX_DEV; b++) { topo_p2p[a][b] = -1; topo_level[a][b] = -1; }
    }
    topo_calls = 0;
    topo_fail_function[0] = 0;
    topo_fail_rc = 0;
    pthread_mutex_unlock(&topo_lock);
}

__attribute__((constructor)) static void fake_topology_load(void) { fake_topology_reset(); }

/** Link `link` of GPU `dev`: active 0/1, remote type (GPU 0, SWITCH 2), far end's PCI domain:bus:device. */
void fake_nvlink_set(int dev, int link, int active, int type, unsigned int domain, unsigned int bus, unsigned int device) {
    if (dev < 0 || dev >= TOPO_MAX_DEV || link < 0 || link >= NVML_NVLINK_MAX_LINKS) return;
    pthread_mutex_lock(&topo_lock);
    topo_link_t *l = &topo_links[dev][link];
    l->set = 1; l->active = active; l->type = type; l->domain = domain; l->bus = bus; l->device = device;
    pthread_mutex_unlock(&topo_lock);
}

/** nvmlGpuP2PStatus_t for (a, b) under NVML_P2P_CAPS_INDEX_NVLINK. */
void fake_p2p_set(int a, int b, int status) {
    if (a < 0 || a >= TOPO_MAX_DEV || b < 0 || b >= TOPO_MAX_DEV) return;
    pthread_mutex_lock(&topo_lock);
    topo_p2p[a][b] = status;
    pthread_mutex_unlock(&topo_lock);
}

/** nvmlGpuTopologyLevel_t between a and b (both orders). */
void fake_topology_level_set(int a, int b, int level) {
    if (a < 0 || a >= TOPO_MAX_DEV || b < 0 || b >= TOPO_MAX_DEV) return;
    pthread_mutex_lock(&topo_lock);
    topo_level[a][b] = level;
    topo_level[b][a] = level;
    pthread_mutex_unlock(&topo_lock);
}

/** Every later call of `function` answers `rc` (one rule; "" clears it). */
void fake_topology_fail(const char *function, int rc) {
    pthread_mutex_lock(&topo_lock);
    strncpy(topo_fail_function, function, sizeof topo_fail_function - 1);
    topo_fail_function[sizeof topo_fail_function - 1] = 0;
    topo_fail_rc = rc;
    pthread_mutex_unlock(&topo_lock);
}

/** Calls of the five topology functions since the last reset. */
int fake_topology_calls(void) {
    pthread_mutex_lock(&topo_lock);
    int n = topo_calls;
    pthread_mutex_unlock(&topo_lock);
    return n;
}

/* Index of a whole-GPU handle, -1 otherwise; counts the call and applies an injected error. */
static int topo_enter(const char *function, nvmlDevice_t dev, nvmlReturn_t *rc) {
    unsigned int count = 0;
    *rc = NVML_SUCCESS;
    if (fake_init_depth() <= 0) { *rc = NVML_ERROR_UNINITIALIZED; return -1; }
    nvmlDeviceGetCount_v2(&count);
    if (dev == NULL || dev->index < 0 || dev->index >= (int) count || dev->index >= TOPO_MAX_DEV) {
        *rc = NVML_ERROR_INVALID_ARGUMENT;
        return -1;
    }
    pthread_mutex_lock(&topo_lock);
    topo_calls++;
    if (topo_fail_function[0] && strcmp(topo_fail_function, function) == 0) *rc = topo_fail_rc;
    pthread_mutex_unlock(&topo_lock);
    return dev->index;
}

/* The configured link, or NULL with rc NOT_SUPPORTED (no link on this GPU) / INVALID_ARGUMENT (past its last). */
static topo_link_t *topo_link(int idx, unsigned int link, nvmlReturn_t *rc) {
    int any = 0;
    for (int i = 0; i < NVML_NVLINK_MAX_LINKS; i++) any |= topo_links[idx][i].set;
    if (!any) { *rc = NVML_ERROR_NOT_SUPPORTED; return NULL; }
    if (link >= NVML_NVLINK_MAX_LINKS || !topo_links[idx][link].set) { *rc = NVML_ERROR_INVALID_ARGUMENT; return NULL; }
    return &topo_links[idx][link];
}

nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t dev, unsigned int link, unsigned int *isActive) {
    nvmlReturn_t rc;
    int idx = topo_enter("nvmlDeviceGetNvLinkState", dev, &rc);
    if (rc != NVML_SUCCESS) return rc;
    topo_link_t *l = topo_link(idx, link, &rc);
    if (l == NULL) return rc;
    *isActive = (unsigned int) l->active;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetNvLinkRemoteDeviceType(nvmlDevice_t dev, unsigned int link, int *type) {
    nvmlReturn_t rc;
    int idx = topo_enter("nvmlDeviceGetNvLinkRemoteDeviceType", dev, &rc);
    if (rc != NVML_SUCCESS) return rc;
    topo_link_t *l = topo_link(idx, link, &rc);
    if (l == NULL) return rc;
    *type = l->type;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(nvmlDevice_t dev, unsigned int link, nvmlPciInfo_t *pci) {
    nvmlReturn_t rc;
    int idx = topo_enter("nvmlDeviceGetNvLinkRemotePciInfo_v2", dev, &rc);
    if (rc != NVML_SUCCESS) return rc;
    topo_link_t *l = topo_link(idx, link, &rc);
    if (l == NULL) return rc;
    memset(pci, 0, sizeof *pci);
    pci->domain = l->domain;
    pci->bus = l->bus;
    pci->device = l->device;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(nvmlDevice_t a, nvmlDevice_t b, int *pathInfo) {
    nvmlReturn_t rc;
    int ia = topo_enter("nvmlDeviceGetTopologyCommonAncestor", a, &rc);
    if (rc != NVML_SUCCESS) return rc;
    int ib = topo_enter("nvmlDeviceGetTopologyCommonAncestor", b, &rc);
    if (rc != NVML_SUCCESS) return rc;
    if (topo_level[ia][ib] < 0) return NVML_ERROR_NOT_SUPPORTED;
    *pathInfo = topo_level[ia][ib];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetP2PStatus(nvmlDevice_t a, nvmlDevice_t b, int p2pIndex, int *status) {
    nvmlReturn_t rc;
    int ia = topo_enter("nvmlDeviceGetP2PStatus", a, &rc);
    if (rc != NVML_SUCCESS) return rc;
    int ib = topo_enter("nvmlDeviceGetP2PStatus", b, &rc);
    if (rc != NVML_SUCCESS) return rc;
    if (p2pIndex != 2 || topo_p2p[ia][ib] < 0) return NVML_ERROR_NOT_SUPPORTED;
    *status = topo_p2p[ia][ib];
    return NVML_SUCCESS;
}
