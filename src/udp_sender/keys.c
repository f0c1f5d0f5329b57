/*
 * keys - --key FILE: the key the sender signs with, and SIGHUP, which
 * reads the file again, so that a cluster changes keys without a restart
 * (a restart would be a new incarnation, from a new port).
 */
#include "udp_sender.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static volatile sig_atomic_t reload_asked;      /* set by SIGHUP */

static void on_hup(int sig)
{
    (void)sig;
    reload_asked = 1;                   /* read at the next heartbeat */
}

/* Read cfg->key_file into 'ring'.  0, or -1 (said why, as 'what'). */
static int load(const struct udp_sender *s, struct mac_ring *ring, const char *what)
{
    char why[512];
    unsigned mode = 0;
    enum mac_result r;

    ring->n = 0;
    r = mac_ring_load(ring, s->cfg->key_file, &mode);
    if (r == MAC_OK)
        return 0;
    mac_explain(r, s->cfg->key_file, mode, errno, why, sizeof(why));
    cli_error(0, "%s%s", what, why);
    return -1;
}

int keys_open(struct udp_sender *s)
{
    struct sigaction sa = { .sa_handler = on_hup };

    if (s->cfg->key_file == NULL)
        return 0;
    if (mac_init() != MAC_OK) {
        cli_error(0, "--key: built without libsodium: apt-get install libsodium-dev");
        return -1;
    }
    if (load(s, &s->ring, "--key ") != 0)
        return -1;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGHUP, &sa, NULL);
}

void keys_check_reload(struct udp_sender *s)
{
    struct mac_ring fresh;

    if (!reload_asked)
        return;
    reload_asked = 0;
    /* A file half written or gone: keep signing with the key we have. */
    if (load(s, &fresh, "SIGHUP: kept the old key: ") != 0)
        return;
    s->ring = fresh;
    if (!s->cfg->quiet && !s->cfg->json)
        printf("signing with key %s (%s read again)\n", s->ring.keys[0].id, s->cfg->key_file);
}
