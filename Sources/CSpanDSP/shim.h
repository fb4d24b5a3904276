// spandsp (pkg-config: spandsp): G.722 and DTMF detection for the media pipeline.
// Only the headers Legato uses (spandsp.h would pull in the fax and TIFF API).
#include <stdint.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <time.h>
#include <math.h>
#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/g722.h>
#include <spandsp/complex.h>
#include <spandsp/tone_detect.h>
#include <spandsp/tone_generate.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
