// speexdsp (pkg-config: speexdsp): resampling to the leg's rate and voice activity detection.
#include <speex/speex_resampler.h>
#include <speex/speex_preprocess.h>
