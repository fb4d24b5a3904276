// libsndfile (pkg-config: sndfile): reading prompts (WAV, FLAC, Ogg/Vorbis, MP3) and writing recordings.
#include <sndfile.h>
