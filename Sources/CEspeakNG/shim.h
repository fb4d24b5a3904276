// espeak-ng (pkg-config: espeak-ng): offline text to speech for `Call.say`.
#include <espeak-ng/speak_lib.h>
