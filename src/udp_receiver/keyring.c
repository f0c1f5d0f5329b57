/*
 * keyring - --key FILE...: a keyed receiver believes only what is signed.
 *
 * Any key of the ring verifies a datagram's final mac= field; what fails
 * (no MAC: unsigned; a MAC that is malformed, of another key, or of other
 * bytes: bad mac) is counted and reported, and never reaches a node.
 * SIGHUP reads every key file again: an operator installs a new key on
 * the receivers, switches the senders to it, then removes the old one,
 * with no restart and no node found SUSPECT on the way (memberlist's
 * keyring: install, use, remove).
 */
#include "udp_receiver.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "cli.h"

static volatile sig_atomic_t reload_asked;      /* set by SIGHUP */

static void on_hup(int sig)
{
    (void)sig;
    reload_asked = 1;                   /* taken at the next datagram or timer */
}

/* Every --key file into 'ring'.  0, or -1 (said why, after 'what'). */
static int load(const struct receiver_config *cfg, struct mac_ring *ring, const char *what)
{
    ring->n = 0;
    for (size_t i = 0; i < cfg->nkeys; i++) {
        char why[512];
        unsigned mode = 0;
        enum mac_result res = mac_ring_load(ring, cfg->keys[i], &mode);

        if (res != MAC_OK) {
            cli_error(0, "%s%s", what, mac_explain(res, cfg->keys[i], mode, errno, why,
                                                   sizeof(why)));
            return -1;
        }
    }
    return 0;
}

int keyring_open(struct receiver *r)
{
    struct sigaction sa = { .sa_handler = on_hup };

    if (r->cfg->nkeys == 0)
        return 0;
    if (mac_init() != MAC_OK) {
        cli_error(0, "--key: built without libsodium: apt-get install libsodium-dev");
        return -1;
    }
    if (load(r->cfg, &r->ring, "--key ") != 0)
        return -1;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGHUP, &sa, NULL);
}

void keyring_check_reload(struct receiver *r, uint64_t now)
{
    struct mac_ring fresh;

    if (!reload_asked)
        return;
    reload_asked = 0;
    /* A file half written or too open: keep the ring we have, and say so. */
    live_wipe(r);
    if (load(r->cfg, &fresh, "SIGHUP: kept the keys we had: ") != 0)
        return;
    r->ring = fresh;
    report_keyring(r, now);
}

int keyring_admit(struct receiver *r, const struct datagram *d, size_t *len, uint64_t now)
{
    unsigned char tag[MAC_BYTES];
    enum mac_field f;

    if (r->ring.n == 0) {               /* unkeyed: said once, if MACs come */
        if (!r->said_unchecked && memmem(d->buf, d->len, " mac=", 5) != NULL) {
            r->said_unchecked = true;
            live_wipe(r);
            cli_error(0, "heartbeats carry a mac= field, and this receiver has no --key: "
                      "their MACs are not checked");
        }
        return 0;
    }
    f = mac_split(d->buf, d->len, len, tag);
    if (f == MAC_FIELD_OK && mac_verify(&r->ring, d->buf, *len, tag, NULL))
        return 0;
    if (f == MAC_FIELD_NONE)
        r->unsigned_dgrams++;
    else
        r->bad_mac++;
    report_rejected(r, NULL, f == MAC_FIELD_NONE ? "unsigned" : "bad mac",
                    &d->from->sa, d->fromlen, now);
    return -1;
}

bool keyring_fresh(const struct receiver *r, const struct heartbeat *hb)
{
    uint64_t skew = hb->sent_ms > r->wall_now ? hb->sent_ms - r->wall_now
                                              : r->wall_now - hb->sent_ms;

    return skew <= r->cfg->max_skew_ms;
}
