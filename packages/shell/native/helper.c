/*
 * strata-sh-helper: the few system calls Node.js does not offer the shell.
 *
 *   strata-sh-helper poll MS
 *       Waits up to MS milliseconds for standard input to become readable (data or end of
 *       input) without reading it. Exit 0: readable; 1: timed out; 2: error.
 *   strata-sh-helper exec PGID -- PROGRAM ARGS...
 *       Joins process group PGID (0: a new group led by itself), makes that group the
 *       terminal's foreground group when standard input is a terminal and FG is set in the
 *       environment variable STRATA_SH_FOREGROUND, then executes PROGRAM in place.
 *   strata-sh-helper tcsetpgrp PGID
 *       Makes PGID the foreground process group of the terminal on standard input.
 *
 * Built by scripts/build-helper.sh; the shell runs without these features when the binary
 * for the platform is missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int give_terminal(pid_t pgid) {
  /* a process outside the foreground group gets SIGTTOU for tcsetpgrp unless it ignores it */
  struct sigaction ignore = {0}, old;
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGTTOU, &ignore, &old);
  int r = tcsetpgrp(STDIN_FILENO, pgid);
  sigaction(SIGTTOU, &old, NULL);
  return r;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "poll") == 0) {
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    int r;
    do r = poll(&p, 1, atoi(argv[2]));
    while (r < 0 && errno == EINTR);
    return r < 0 ? 2 : r == 0 ? 1 : 0;
  }
  if (argc >= 3 && strcmp(argv[1], "tcsetpgrp") == 0) {
    return give_terminal((pid_t)atoi(argv[2])) == 0 ? 0 : 1;
  }
  if (argc >= 5 && strcmp(argv[1], "exec") == 0 && strcmp(argv[3], "--") == 0) {
    pid_t pgid = (pid_t)atoi(argv[2]);
    if (setpgid(0, pgid) != 0 && pgid != 0) setpgid(0, 0); /* the leader is gone: lead one */
    const char *fg = getenv("STRATA_SH_FOREGROUND");
    if (fg && *fg && isatty(STDIN_FILENO)) give_terminal(getpgrp());
    unsetenv("STRATA_SH_FOREGROUND");
    /* the job's own keys and background terminal access act on it, as in any shell's child */
    int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
    execv(argv[4], argv + 4);
    int e = errno;
    fprintf(stderr, "strata-sh: %s: %s\n", argv[4], strerror(e));
    return e == ENOENT ? 127 : 126;
  }
  fprintf(stderr, "usage: strata-sh-helper poll MS | exec PGID -- PROGRAM ARGS... | tcsetpgrp PGID\n");
  return 2;
}
