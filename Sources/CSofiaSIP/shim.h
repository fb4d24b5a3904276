// Umbrella header for Debian's sofia-sip-ua (pkg-config: sofia-sip-ua).
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/url.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/nta_tag.h>
