// libopus (pkg-config: opus): the Opus codec of the media pipeline. Only the
// non-variadic calls are used (the encoder runs with its defaults), so no C shim.
#include <opus/opus.h>
