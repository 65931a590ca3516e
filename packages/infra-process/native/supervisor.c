/*
 * The native supervisor of a recorded `process` run: the same program as src/supervisor.ts (read its
 * comment first), in C, so that a run pays neither a Node start-up nor a JavaScript relay. Same
 * protocol on fd 3 (src/supervisor-protocol.ts), same files in the run's folder (src/output-tail.ts,
 * exit.json). One thread runs a poll() loop over the command's pipes, the destinations (fds 4 and 5)
 * and fd 3; a second one writes the tail, so that the disk never holds up the data path.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CONTROL_FD 3
/* The command's stdout pipe is made this big (a pipe is 64 KiB by default): fewer wake-ups of the
   command and the supervisor per MiB, less CPU for 1 GiB (BENCHMARKS.md, cli-stream). Not more: every
   pipe's buffer counts against its user's pipe-user-pages-soft (64 MiB), past which new pipes of
   that user, anywhere, get two pages. */
#define STDOUT_PIPE (256 * 1024)
/* One read takes what a full stdout pipe holds. */
#define CHUNK STDOUT_PIPE
/* Far above what exec() takes (arguments and environment within ARG_MAX): a longer length is garbage.
   supervisor-protocol.ts checks the same (MAX_REQUEST_BYTES) for the Node supervisor. */
#define MAX_REQUEST (256u * 1024 * 1024)

/* Tells the runner why the supervisor cannot go on, and ends it (below, with the events). */
static void fail(const char *format, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void *allocate(size_t size) {
  void *memory = malloc(size);
  if (!memory) fail("out of memory");
  return memory;
}

/* --- The runner's request (supervisor-protocol.ts: encodeRequest) --- */

struct request {
  char *folder;
  int stream_output;
  size_t tail_file_bytes;
  long tail_batch_ms;
  char *cwd;
  char *executable;
  char **argv;
  char **envp;
};

/* The next NUL-ended field at *cursor, or NULL when the payload ends without one. */
static char *next_field(char **cursor, char *end) {
  char *field = *cursor;
  char *nul = memchr(field, '\0', (size_t)(end - field));
  if (!nul) return NULL;
  *cursor = nul + 1;
  return field;
}

static char **field_list(char **cursor, char *end) {
  char *count_text = next_field(cursor, end);
  if (!count_text) return NULL;
  unsigned long count = strtoul(count_text, NULL, 10);
  if (count > (unsigned long)(end - *cursor)) return NULL;
  char **list = allocate((count + 1) * sizeof *list);
  for (unsigned long index = 0; index < count; index++) {
    if (!(list[index] = next_field(cursor, end))) return NULL;
  }
  list[count] = NULL;
  return list;
}

static int parse_request(char *payload, size_t length, struct request *request) {
  char *cursor = payload, *end = payload + length;
  char *stream_output, *file_bytes, *batch_ms, *executable;
  if (!(request->folder = next_field(&cursor, end)) || !(stream_output = next_field(&cursor, end)) ||
      !(file_bytes = next_field(&cursor, end)) || !(batch_ms = next_field(&cursor, end)) ||
      !(request->cwd = next_field(&cursor, end)) || !(executable = next_field(&cursor, end)))
    return -1;
  /* Every file of the run is the folder and a short name: a path cut short would be another file. */
  if (strlen(request->folder) + sizeof "/exit.json.tmp" > PATH_MAX)
    fail("the run's folder is too long (%zu bytes): its files' paths would pass PATH_MAX (%d); set "
         "INFRABLOCKS_HOME to a shorter path",
         strlen(request->folder), PATH_MAX);
  request->stream_output = strcmp(stream_output, "1") == 0;
  request->tail_file_bytes = (size_t)strtoull(file_bytes, NULL, 10);
  request->tail_batch_ms = strtol(batch_ms, NULL, 10);
  request->executable = executable;
  char **args = field_list(&cursor, end);
  if (!args) return -1;
  /* argv[0] is the executable as given, as Node's spawn makes it. */
  size_t count = 0;
  while (args[count]) count++;
  request->argv = allocate((count + 2) * sizeof *request->argv);
  request->argv[0] = executable;
  memcpy(request->argv + 1, args, (count + 1) * sizeof *args);
  free(args);
  if (!(request->envp = field_list(&cursor, end))) return -1;
  return cursor == end ? 0 : -1;
}

/*
 * Reads the request from fd 3: its length in decimal, a newline, the payload. Returns whether more
 * bytes followed it (the release, which may come in the same read).
 */
static int read_request(struct request *request) {
  size_t capacity = 64 * 1024, have = 0, header = 0, total = 0;
  char *buffer = allocate(capacity);
  for (;;) {
    if (!header) {
      char *newline = memchr(buffer, '\n', have);
      if (newline) {
        header = (size_t)(newline - buffer) + 1;
        if (header == 1 || strspn(buffer, "0123456789") != header - 1) fail("the request is malformed");
        unsigned long long length = strtoull(buffer, NULL, 10);
        if (length > MAX_REQUEST) fail("a request of %llu bytes is too long", length);
        total = header + (size_t)length;
        if (total > capacity) {
          capacity = total + 64;
          char *grown = realloc(buffer, capacity);
          if (!grown) fail("out of memory");
          buffer = grown;
        }
      } else if (have > 32) {
        fail("the request does not start with its length");
      }
    }
    if (header && have >= total) break;
    if (have == capacity) fail("the request does not fit");
    ssize_t got = read(CONTROL_FD, buffer + have, capacity - have);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) {
      struct pollfd wait = {.fd = CONTROL_FD, .events = POLLIN};
      poll(&wait, 1, -1);
      continue;
    }
    if (got <= 0) fail("The runner closed the channel before sending the command.");
    have += (size_t)got;
  }
  if (parse_request(buffer + header, total - header, request) < 0) fail("the request is malformed");
  return have > total;
}

/* --- Events to the runner --- */

/* The runner is gone: its channel ended, or an event could not reach it. */
static int runner_gone;
static void runner_left(void);

static void tell(const char *event) {
  size_t length = strlen(event);
  while (!runner_gone && length > 0) {
    ssize_t sent = send(CONTROL_FD, event, length, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && errno == EAGAIN) {
      struct pollfd wait = {.fd = CONTROL_FD, .events = POLLOUT};
      poll(&wait, 1, -1);
      continue;
    }
    if (sent < 0) {
      runner_left();
      return;
    }
    event += sent;
    length -= (size_t)sent;
  }
}

/* Appends `text` to `out` as the contents of a JSON string. */
static void json_escape(char *out, size_t size, const char *text) {
  size_t used = strlen(out);
  for (const unsigned char *c = (const unsigned char *)text; *c && used + 7 < size; c++) {
    if (*c == '"' || *c == '\\') used += (size_t)snprintf(out + used, size - used, "\\%c", *c);
    else if (*c < 0x20) used += (size_t)snprintf(out + used, size - used, "\\u%04x", *c);
    else out[used++] = (char)*c;
  }
  out[used] = '\0';
}

static void fail(const char *format, ...) {
  char message[4096];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  char event[sizeof message * 6 + 64] = "{\"event\":\"failed\",\"message\":\"";
  json_escape(event, sizeof event - 4, message);
  strcat(event, "\"}\n");
  tell(event);
  fprintf(stderr, "infrablocks supervisor: %s\n", message);
  exit(70);
}

/* glibc 2.32 and later name every errno and signal; elsewhere (musl, older glibc) a table names the
   ones a run meets, so that the program builds there too. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
#define HAVE_NP_NAMES 1
#endif

static const char *errno_name(int error) {
#ifdef HAVE_NP_NAMES
  const char *name = strerrorname_np(error);
  if (name) return name;
#else
  switch (error) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOTDIR: return "ENOTDIR";
    case ENOEXEC: return "ENOEXEC";
    case E2BIG: return "E2BIG";
    case ENOMEM: return "ENOMEM";
    case EPERM: return "EPERM";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EPIPE: return "EPIPE";
    case ENOSPC: return "ENOSPC";
    case EIO: return "EIO";
    case EDQUOT: return "EDQUOT";
    case EFBIG: return "EFBIG";
  }
#endif
  return "EUNKNOWN";
}

/* A signal's name without its SIG, as Node names it after the SIG; NULL for one without a name. */
static const char *signal_name(int number) {
#ifdef HAVE_NP_NAMES
  return sigabbrev_np(number);
#else
  static const char *const names[] = {
      [SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",     [SIGTRAP] = "TRAP",
      [SIGABRT] = "ABRT", [SIGBUS] = "BUS",       [SIGFPE] = "FPE",   [SIGKILL] = "KILL",   [SIGUSR1] = "USR1",
      [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",     [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",   [SIGTERM] = "TERM",
      [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",     [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",   [SIGTTIN] = "TTIN",
      [SIGTTOU] = "TTOU", [SIGURG] = "URG",       [SIGXCPU] = "XCPU", [SIGXFSZ] = "XFSZ",   [SIGVTALRM] = "VTALRM",
      [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",   [SIGIO] = "IO",     [SIGSYS] = "SYS",
  };
  return number > 0 && (size_t)number < sizeof names / sizeof *names ? names[number] : NULL;
#endif
}

/* --- Starting the command (as command-spawn.ts does through libuv) --- */

extern char **environ;

/* Reports errno to the parent through the exec pipe, and ends the child. */
static void child_failed(int report) {
  int error = errno;
  ssize_t ignored = write(report, &error, sizeof error);
  (void)ignored;
  _exit(127);
}

/*
 * Starts the command in the supervisor's own session and group, stdin /dev/null, stdout and stderr
 * to `out` and `err`, default signal dispositions and an empty mask. Returns its pid, or -1 with
 * the child's errno in *error (the chdir or the exec that failed).
 */
static pid_t start_command(const struct request *request, int null_fd, int out, int err, int *error) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) < 0) fail("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    *error = errno;
    close(report[0]);
    close(report[1]);
    return -1;
  }
  if (pid == 0) {
    struct sigaction defaults = {.sa_handler = SIG_DFL};
    for (int signal = 1; signal < NSIG; signal++) sigaction(signal, &defaults, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(null_fd, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) child_failed(report[1]);
    if (chdir(request->cwd) < 0) child_failed(report[1]);
    /* As libuv does: execvp looks the executable up on the PATH of the environment it is given
       (glibc's default where there is none), and runs a script without a #! line with /bin/sh. */
    environ = request->envp;
    execvp(request->executable, request->argv);
    child_failed(report[1]);
  }
  close(report[1]);
  int child_errno;
  ssize_t got;
  do got = read(report[0], &child_errno, sizeof child_errno);
  while (got < 0 && errno == EINTR);
  close(report[0]);
  if (got == (ssize_t)sizeof child_errno) {
    waitpid(pid, NULL, 0);
    *error = child_errno;
    return -1;
  }
  return pid;
}

/* --- The tail on disk (output-tail.ts) --- */

/*
 * One stream's tail: the output not yet on disk waits in a ring of two files' worth (more could only
 * rotate out), overwritten from its oldest byte when the disk lags; the writer thread takes it in
 * batches, every tail_batch_ms (the request's).
 */
struct tail {
  char current[PATH_MAX];
  char previous[PATH_MAX];
  size_t file_cap;
  char *ring;
  size_t ring_size, start, length;
  char *batch;
  int fd;
  size_t size;
  int failed;
};

static pthread_mutex_t tail_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tail_wake = PTHREAD_COND_INITIALIZER;
static struct tail tails[2];
static int tails_finishing;
static long tail_batch_ms;

static void tail_open(struct tail *tail, const char *folder, const char *stream, size_t file_cap) {
  snprintf(tail->current, sizeof tail->current, "%s/%s", folder, stream);
  snprintf(tail->previous, sizeof tail->previous, "%s/%s.1", folder, stream);
  tail->file_cap = file_cap ? file_cap : 1;
  tail->ring_size = 2 * tail->file_cap;
  tail->ring = allocate(tail->ring_size);
  tail->batch = allocate(tail->ring_size);
  /* Created at once, so that `attach` finds the file to follow from the first byte. */
  tail->fd = open(tail->current, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  tail->failed = tail->fd < 0;
}

static void tail_append(struct tail *tail, const char *data, size_t length) {
  pthread_mutex_lock(&tail_lock);
  if (!tail->failed) {
    int was_empty = tail->length == 0;
    if (length >= tail->ring_size) {
      memcpy(tail->ring, data + length - tail->ring_size, tail->ring_size);
      tail->start = 0;
      tail->length = tail->ring_size;
    } else {
      size_t end = (tail->start + tail->length) % tail->ring_size;
      size_t first = tail->ring_size - end < length ? tail->ring_size - end : length;
      memcpy(tail->ring + end, data, first);
      memcpy(tail->ring, data + first, length - first);
      size_t total = tail->length + length;
      if (total > tail->ring_size) {
        tail->start = (tail->start + total - tail->ring_size) % tail->ring_size;
        total = tail->ring_size;
      }
      tail->length = total;
    }
    if (was_empty) pthread_cond_signal(&tail_wake);
  }
  pthread_mutex_unlock(&tail_lock);
}

/* Fills the current file up to the cap, rotates, and goes on with the rest. A failing disk costs the tail. */
static int tail_write(struct tail *tail, const char *data, size_t length) {
  while (length > 0) {
    if (tail->fd >= 0 && tail->size >= tail->file_cap) {
      close(tail->fd);
      tail->fd = -1;
      rename(tail->current, tail->previous);
    }
    if (tail->fd < 0) {
      tail->fd = open(tail->current, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (tail->fd < 0) return -1;
      tail->size = 0;
    }
    size_t room = tail->file_cap - tail->size;
    ssize_t written = write(tail->fd, data, length < room ? length : room);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return -1;
    tail->size += (size_t)written;
    data += written;
    length -= (size_t)written;
  }
  return 0;
}

static void *tail_writer(void *unused) {
  (void)unused;
  pthread_mutex_lock(&tail_lock);
  for (;;) {
    int pending = 0;
    for (int index = 0; index < 2; index++) pending |= tails[index].length > 0;
    if (!pending && tails_finishing) break;
    if (!pending) {
      pthread_cond_wait(&tail_wake, &tail_lock);
      continue;
    }
    /* What arrives within the batch's time is written with it; most of a fast command's output
       rotates out in memory. */
    struct timespec due;
    clock_gettime(CLOCK_REALTIME, &due);
    due.tv_sec += tail_batch_ms / 1000;
    due.tv_nsec += tail_batch_ms % 1000 * 1000000L;
    if (due.tv_nsec >= 1000000000L) {
      due.tv_sec++;
      due.tv_nsec -= 1000000000L;
    }
    while (!tails_finishing && pthread_cond_timedwait(&tail_wake, &tail_lock, &due) != ETIMEDOUT) {
    }
    size_t lengths[2] = {0, 0};
    for (int index = 0; index < 2; index++) {
      struct tail *tail = &tails[index];
      size_t first = tail->ring_size - tail->start < tail->length ? tail->ring_size - tail->start : tail->length;
      memcpy(tail->batch, tail->ring + tail->start, first);
      memcpy(tail->batch + first, tail->ring, tail->length - first);
      lengths[index] = tail->length;
      tail->start = tail->length = 0;
    }
    pthread_mutex_unlock(&tail_lock);
    for (int index = 0; index < 2; index++) {
      struct tail *tail = &tails[index];
      if (lengths[index] && !tail->failed && tail_write(tail, tail->batch, lengths[index]) < 0) {
        pthread_mutex_lock(&tail_lock);
        tail->failed = 1;
        tail->length = 0;
        pthread_mutex_unlock(&tail_lock);
      }
    }
    pthread_mutex_lock(&tail_lock);
  }
  pthread_mutex_unlock(&tail_lock);
  return NULL;
}

/* --- Forwarding (supervisor.ts: relay) --- */

enum destination_kind { PLAIN, NONBLOCKING, SOCKET };

struct stream {
  int source;
  int destination;
  enum destination_kind kind;
  struct tail *tail;
  int is_stdout;
  char buffer[CHUNK];
  size_t have, sent;
};

/*
 * Our own writable description of an inherited fd, so that non-blocking writes do not change the
 * description the user's shell also holds: pipes and terminals are reopened through /proc, sockets
 * take MSG_DONTWAIT per call, files and other devices are written as they are (they never block for
 * long). A pipe that cannot be reopened (its reader gone: ENXIO) is written as it is; the write says
 * EPIPE.
 */
static int open_destination(int fd, enum destination_kind *kind) {
  struct stat info;
  *kind = PLAIN;
  if (fstat(fd, &info) < 0) return -1;
  if (S_ISSOCK(info.st_mode)) {
    *kind = SOCKET;
    return fd;
  }
  if (S_ISFIFO(info.st_mode) || isatty(fd)) {
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int own = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (own >= 0) {
      close(fd);
      *kind = NONBLOCKING;
      return own;
    }
  }
  return fd;
}

/* Stops forwarding: the reading goes on, for the tail. Closing lets go of the runner's terminal or pipe. */
static void stop_forwarding(struct stream *stream) {
  if (stream->destination < 0) return;
  close(stream->destination);
  stream->destination = -1;
  stream->have = stream->sent = 0;
}

/* Tells the runner its stdout or stderr refused a write, worded as Node words a failed write ("EPIPE:
   broken pipe, write"), so that the runner's message is the same whichever supervisor runs. */
static void tell_output_failed(const char *stream, int error) {
  const char *name = errno_name(error);
  char words[256];
  snprintf(words, sizeof words, "%s", strerror(error));
  words[0] = (char)tolower((unsigned char)words[0]);
  char message[512];
  snprintf(message, sizeof message, "%s: %s, write", name, words);
  char event[sizeof message * 6 + 96];
  snprintf(event, sizeof event, "{\"event\":\"output-failed\",\"stream\":\"%s\",\"code\":\"%s\",\"message\":\"",
           stream, name);
  json_escape(event, sizeof event - 4, message);
  strcat(event, "\"}\n");
  tell(event);
}

/* Writes what is pending until the destination is full or all is written; a failed destination stops
   the forwarding. */
static void forward(struct stream *stream) {
  while (stream->destination >= 0 && stream->sent < stream->have) {
    const char *data = stream->buffer + stream->sent;
    size_t length = stream->have - stream->sent;
    ssize_t written = stream->kind == SOCKET
                          ? send(stream->destination, data, length, MSG_DONTWAIT | MSG_NOSIGNAL)
                          : write(stream->destination, data, length);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (written < 0) {
      tell_output_failed(stream->is_stdout ? "stdout" : "stderr", errno);
      stop_forwarding(stream);
      return;
    }
    stream->sent += (size_t)written;
  }
  stream->have = stream->sent = 0;
}

static void read_source(struct stream *stream) {
  ssize_t got = read(stream->source, stream->buffer, sizeof stream->buffer);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (got <= 0) {
    close(stream->source);
    stream->source = -1;
    return;
  }
  tail_append(stream->tail, stream->buffer, (size_t)got);
  if (stream->destination < 0) return;
  stream->have = (size_t)got;
  stream->sent = 0;
  forward(stream);
}

/* The command's two streams; no fds until main sets them up (it makes them -1 first: an initializer
   would put the buffers in the binary). */
static struct stream streams[2];
/* The runner recorded the run, or is gone: the output may flow. */
static int released;

/* From now on the tail alone takes the output: no one is left to release it, or to read it. */
static void runner_left(void) {
  runner_gone = released = 1;
  stop_forwarding(&streams[0]);
  stop_forwarding(&streams[1]);
}

/* Anything after the request is the release; the channel's end says the runner is gone. */
static void read_control(void) {
  char discard[256];
  ssize_t got = read(CONTROL_FD, discard, sizeof discard);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  released = 1;
  if (got <= 0) runner_left();
}

enum watched_end { CONTROL, DESTINATION, SOURCE };

/* Until both streams have ended and all of them was forwarded (or the forwarding stopped). */
static void relay(void) {
  while (streams[0].source >= 0 || streams[1].source >= 0 || streams[0].have || streams[1].have) {
    struct pollfd watched[3];
    enum watched_end end[3];
    struct stream *owner[3];
    int count = 0;
    if (!runner_gone) {
      watched[count] = (struct pollfd){.fd = CONTROL_FD, .events = POLLIN};
      end[count] = CONTROL;
      owner[count++] = NULL;
    }
    for (int index = 0; index < 2; index++) {
      struct stream *stream = &streams[index];
      /* A destination that is behind holds its source back: the command's pipe fills, and it waits. */
      if (stream->destination >= 0 && stream->sent < stream->have) {
        watched[count] = (struct pollfd){.fd = stream->destination, .events = POLLOUT};
        end[count] = DESTINATION;
        owner[count++] = stream;
      } else if (released && stream->source >= 0) {
        watched[count] = (struct pollfd){.fd = stream->source, .events = POLLIN};
        end[count] = SOURCE;
        owner[count++] = stream;
      }
    }
    if (poll(watched, (nfds_t)count, -1) < 0) {
      if (errno == EINTR) continue;
      fail("poll: %s", strerror(errno));
    }
    for (int index = 0; index < count; index++) {
      if (!watched[index].revents) continue;
      if (end[index] == CONTROL) read_control();
      else if (end[index] == DESTINATION) forward(owner[index]);
      else read_source(owner[index]);
    }
  }
}

/* --- The end (exit.json) --- */

static int write_whole(int fd, const char *text) {
  size_t length = strlen(text);
  while (length > 0) {
    ssize_t written = write(fd, text, length);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return -1;
    text += written;
    length -= (size_t)written;
  }
  return 0;
}

static void record_exit(const char *folder, int status) {
  char text[96];
  if (WIFSIGNALED(status)) {
    const char *name = signal_name(WTERMSIG(status));
    if (name) snprintf(text, sizeof text, "{\"code\":null,\"signal\":\"SIG%s\"}\n", name);
    else snprintf(text, sizeof text, "{\"code\":null,\"signal\":null}\n");
  } else {
    snprintf(text, sizeof text, "{\"code\":%d,\"signal\":null}\n", WEXITSTATUS(status));
  }
  char temporary[PATH_MAX], final[PATH_MAX];
  snprintf(temporary, sizeof temporary, "%s/exit.json.tmp", folder);
  snprintf(final, sizeof final, "%s/exit.json", folder);
  /* Written aside and renamed: a reader sees the whole file or none. */
  int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write_whole(fd, text) < 0 || close(fd) < 0 || rename(temporary, final) < 0)
    fail("could not record the exit in %s: %s", final, strerror(errno));
}

static void wait_for(pid_t pid, int *status) {
  while (waitpid(pid, status, 0) < 0) {
    if (errno != EINTR) fail("waitpid: %s", strerror(errno));
  }
}

/* The runner words the failure from the event (spawn ENOENT: not found, exit 127), as from Node's. */
static void tell_spawn_failed(const char *executable, int error) {
  char event[8192];
  snprintf(event, sizeof event, "{\"event\":\"spawn-failed\",\"code\":\"%s\",\"message\":\"spawn ",
           errno_name(error));
  json_escape(event, sizeof event - 32, executable);
  size_t used = strlen(event);
  snprintf(event + used, sizeof event - used, " %s\"}\n", errno_name(error));
  tell(event);
}

/* Relays the command's output until both its pipes have ended, and has the tail written to the end. */
static void supervise_output(const struct request *request, int pipes[2][2]) {
  tail_batch_ms = request->tail_batch_ms;
  const char *names[2] = {"stdout", "stderr"};
  for (int index = 0; index < 2; index++) {
    close(pipes[index][1]);
    struct stream *stream = &streams[index];
    stream->source = pipes[index][0];
    fcntl(stream->source, F_SETFL, O_NONBLOCK);
    stream->destination = open_destination(4 + index, &stream->kind);
    stream->is_stdout = index == 0;
    stream->tail = &tails[index];
    tail_open(&tails[index], request->folder, names[index], request->tail_file_bytes);
  }
  /* The runner may have gone before the answer reached it: then nothing is forwarded at all. */
  if (runner_gone) runner_left();
  pthread_t writer;
  if (pthread_create(&writer, NULL, tail_writer, NULL) != 0) fail("cannot start the tail's thread");
  relay();
  pthread_mutex_lock(&tail_lock);
  tails_finishing = 1;
  pthread_cond_signal(&tail_wake);
  pthread_mutex_unlock(&tail_lock);
  pthread_join(writer, NULL);
}

int main(void) {
  /* kill's SIGTERM reaches the whole process group: the supervisor outlasts the command to record its
     end. The command starts with default dispositions (start_command resets them). */
  signal(SIGTERM, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_DFL);
  for (int fd = CONTROL_FD; fd <= 5; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
  for (int index = 0; index < 2; index++) streams[index].source = streams[index].destination = -1;

  tell("{\"event\":\"ready\"}\n");

  /* Static: it lives as long as the process (and a leak checker sees it reachable). */
  static struct request request;
  /* Or-ed: a runner already gone (the first word could not reach it) has released the output. */
  if (read_request(&request)) released = 1;
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) fail("open /dev/null: %s", strerror(errno));
  int pipes[2][2] = {{-1, -1}, {-1, -1}};
  if (request.stream_output) {
    for (int index = 0; index < 2; index++) {
      if (pipe2(pipes[index], O_CLOEXEC) < 0) fail("pipe: %s", strerror(errno));
    }
    fcntl(pipes[0][0], F_SETPIPE_SZ, STDOUT_PIPE);
  }
  int error = 0;
  pid_t pid = start_command(&request, null_fd, request.stream_output ? pipes[0][1] : null_fd,
                            request.stream_output ? pipes[1][1] : null_fd, &error);
  if (pid < 0) {
    tell_spawn_failed(request.executable, error);
    return 0;
  }
  char started[64];
  snprintf(started, sizeof started, "{\"event\":\"started\",\"pid\":%d}\n", (int)pid);
  tell(started);
  int status;
  if (request.stream_output) supervise_output(&request, pipes);
  wait_for(pid, &status);
  record_exit(request.folder, status);
  return 0;
}
