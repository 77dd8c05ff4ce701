/*
 * curl_loop.h - libcurl's multi_socket interface driven by a libuv loop
 * (internal), for the libcurl engine.  One struct sw__loop per worker.
 *
 * The tuned shape measured in bench/README.md: one uv_poll per socket for
 * the socket's whole life, found through an fd-indexed table; uv_poll_start
 * only when the wanted events change; CURL_POLL_REMOVE only marks the
 * socket unwanted; the poll is stopped and closed from
 * CURLOPT_CLOSESOCKETFUNCTION (sw__loop_closesocket) before the fd closes.
 */
#ifndef SW_CURL_LOOP_H
#define SW_CURL_LOOP_H

#include <curl/curl.h>
#include <uv.h>

struct sw__sock;

/* A finished transfer read from libcurl's message queue, not yet handed
 * to `done` (see check_done in curl_loop.c). */
struct sw__finished {
    CURL *easy;                 /* NULL: cancelled before its turn */
    CURLcode result;
};

struct sw__loop {
    uv_loop_t *uv;              /* borrowed: the worker's loop */
    CURLM *multi;               /* owned */
    uv_timer_t timer;           /* CURLMOPT_TIMERFUNCTION's timer */
    struct sw__sock **fdtab;    /* owned: fd -> poll context */
    long fdtab_len;
    int in_action;              /* inside curl_multi_socket_action */
    int transfers;              /* easy handles in the multi handle now */
    /* the batch of finished transfers being handed to `done` */
    struct sw__finished *batch; /* owned */
    int batch_len, batch_cap, batch_pos;
    /* Called for every finished transfer, after the easy handle has been
     * removed from the multi handle.  May add new transfers. */
    void (*done)(struct sw__loop *l, CURL *easy, CURLcode result);
};

/* 0, or -1 (message on stderr). */
int sw__loop_init(struct sw__loop *l, uv_loop_t *uv,
                  void (*done)(struct sw__loop *, CURL *, CURLcode));
/* Starts a transfer on a configured easy handle (the easy must have
 * CURLOPT_CLOSESOCKETFUNCTION = sw__loop_closesocket, DATA = l).  0 or -1. */
int sw__loop_add(struct sw__loop *l, CURL *easy);
/* Abandons a transfer (not reported through `done`, even when it has
 * finished and waits in the batch being reported). */
void sw__loop_remove(struct sw__loop *l, CURL *easy);
/* CURLOPT_CLOSESOCKETFUNCTION: closes the socket's poll, then the fd. */
int sw__loop_closesocket(void *clientp, curl_socket_t s);
/* Cleans the multi handle up and closes the timer; the caller then runs the
 * uv loop until its handles are closed. */
void sw__loop_close(struct sw__loop *l);
/* After the loop has closed every handle: frees the fd table. */
void sw__loop_free_table(struct sw__loop *l);

#endif /* SW_CURL_LOOP_H */
