/* The one-file meetingapp: this launcher with the frozen app folder appended.
 *
 * First start: the folder is unpacked into ~/.cache/meetingapp/<id> (<id>: a hash of
 * the payload, so each build gets its own folder), atomically: into a temporary folder
 * that is renamed when complete, so an interrupted or concurrent first start never leaves
 * a half folder in use. Later starts only check that folder and exec the app in it.
 * Folders of other builds are removed after a new one is unpacked.
 *
 * Layout of the file (written by packaging/pack.py):
 *   [this ELF] [entries] [footer: "MTGAPAK1", u64 offset of entries, u64 count,
 *                         char id[32], u64 unpacked bytes]
 *   entry: u8 kind (0 dir, 1 file, 2 symlink), u32 mode, u32 path length, path,
 *          file: u64 size, u64 stored size, zlib stream; symlink: u32 length, target.
 * All integers little-endian. Built static against zlib, so it needs nothing but the
 * kernel; the app it starts needs glibc (see README).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "MTGAPAK1"
#define FOOTER 64
#define CHUNK (1 << 20)

static const char *self_path;

static void die(const char *what, const char *path) {
    fprintf(stderr, "meetingapp: %s %s: %s\n", what, path ? path : "", strerror(errno));
    exit(127);
}

static uint64_t le64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void read_exact(FILE *f, void *buf, size_t n) {
    if (fread(buf, 1, n, f) != n) {
        errno = errno ? errno : EIO;
        die("cannot read", self_path);
    }
}

/* mkdir -p; 0 on success, else -1 with errno set and the failing folder in failed */
static int try_mkdirs(const char *path, mode_t mode, char *failed, size_t n) {
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (mkdir(tmp, mode) && errno != EEXIST) {
                snprintf(failed, n, "%s", tmp);
                return -1;
            }
            *p = c;
            if (c == 0) return 0;
        }
    }
}

static void mkdirs(const char *path, mode_t mode) {
    char failed[PATH_MAX];
    if (try_mkdirs(path, mode, failed, sizeof failed)) die("cannot create", failed);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    remove(path);
    return 0;
}

static void rm_tree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static void unpack_file(FILE *f, const char *path, mode_t mode, uint64_t size, uint64_t stored) {
    int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
    if (out < 0) die("cannot create", path);
    static unsigned char in[CHUNK], buf[CHUNK];
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK) die("zlib", path);
    uint64_t left = stored, written = 0;
    int ret = Z_OK;
    while (left > 0 && ret != Z_STREAM_END) {
        size_t n = left < CHUNK ? (size_t)left : CHUNK;
        read_exact(f, in, n);
        left -= n;
        z.next_in = in;
        z.avail_in = (uInt)n;
        do {
            z.next_out = buf;
            z.avail_out = CHUNK;
            ret = inflate(&z, Z_NO_FLUSH);
            if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
                errno = EILSEQ;
                die("damaged payload at", path);
            }
            size_t have = CHUNK - z.avail_out;
            for (size_t off = 0; off < have;) {
                ssize_t w = write(out, buf + off, have - off);
                if (w < 0) die("cannot write", path);
                off += (size_t)w;
            }
            written += have;
        } while (z.avail_out == 0);
    }
    inflateEnd(&z);
    if (written != size || left != 0) {
        errno = EILSEQ;
        die("damaged payload at", path);
    }
    if (close(out)) die("cannot write", path);
}

static void unpack(FILE *f, uint64_t offset, uint64_t count, const char *dest) {
    if (fseeko(f, (off_t)offset, SEEK_SET)) die("cannot read", self_path);
    char path[PATH_MAX], rel[PATH_MAX], target[PATH_MAX];
    unsigned char head[9], num[16];
    for (uint64_t i = 0; i < count; i++) {
        read_exact(f, head, 9);
        int kind = head[0];
        mode_t mode = le32(head + 1);
        uint32_t len = le32(head + 5);
        if (len >= sizeof rel) { errno = ENAMETOOLONG; die("damaged payload", NULL); }
        read_exact(f, rel, len);
        rel[len] = 0;
        snprintf(path, sizeof path, "%s/%s", dest, rel);
        if (kind == 0) {
            mkdirs(path, 0755);
        } else if (kind == 1) {
            read_exact(f, num, 16);
            unpack_file(f, path, mode, le64(num), le64(num + 8));
        } else if (kind == 2) {
            read_exact(f, num, 4);
            uint32_t tlen = le32(num);
            if (tlen >= sizeof target) { errno = ENAMETOOLONG; die("damaged payload", NULL); }
            read_exact(f, target, tlen);
            target[tlen] = 0;
            if (symlink(target, path)) die("cannot create", path);
        } else {
            errno = EILSEQ;
            die("damaged payload", NULL);
        }
    }
}

/* Unpacked folders of other builds, and temporary folders left by a killed first start. */
static void tidy(const char *base, const char *id) {
    DIR *d = opendir(base);
    if (!d) return;
    struct dirent *e;
    char path[PATH_MAX];
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        int stale = 0;
        if (strlen(n) == 32 && strspn(n, "0123456789abcdef") == 32 && strcmp(n, id) != 0) {
            stale = 1;
        } else if (n[0] == '.' && strstr(n, ".tmp.")) {
            long pid = strtol(strstr(n, ".tmp.") + 5, NULL, 10);
            stale = pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
        }
        if (stale) {
            snprintf(path, sizeof path, "%s/%s", base, n);
            rm_tree(path);
        }
    }
    closedir(d);
}

static int cache_base(char *out, size_t n) {
    const char *env = getenv("MEETINGAPP_CACHE");
    if (env && *env) return snprintf(out, n, "%s", env);
    env = getenv("XDG_CACHE_HOME");
    if (env && *env == '/') return snprintf(out, n, "%s/meetingapp", env);
    env = getenv("HOME");
    if (env && *env == '/') return snprintf(out, n, "%s/.cache/meetingapp", env);
    return snprintf(out, n, "/tmp/meetingapp-%d", (int)getuid());
}

int main(int argc, char **argv) {
    (void)argc;
    static char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) die("cannot find itself via", "/proc/self/exe");
    self[n] = 0;
    self_path = self;

    FILE *f = fopen(self, "rb");
    if (!f) die("cannot open", self);
    unsigned char foot[FOOTER];
    if (fseeko(f, -FOOTER, SEEK_END)) die("cannot read", self);
    read_exact(f, foot, FOOTER);
    if (memcmp(foot, MAGIC, 8) != 0) {
        fprintf(stderr, "meetingapp: %s has no app inside (a damaged download?)\n", self);
        return 127;
    }
    uint64_t offset = le64(foot + 8), count = le64(foot + 16);
    char id[33];
    memcpy(id, foot + 24, 32);
    id[32] = 0;

    char base[PATH_MAX], dir[PATH_MAX], done[PATH_MAX], exe[PATH_MAX];
    cache_base(base, sizeof base);
    snprintf(dir, sizeof dir, "%s/%s", base, id);
    snprintf(done, sizeof done, "%s/.complete", dir);
    snprintf(exe, sizeof exe, "%s/meetingapp", dir);

    if (access(done, F_OK) != 0) {
        char failed[PATH_MAX];
        if (try_mkdirs(base, 0700, failed, sizeof failed) || access(base, W_OK) != 0) {
            /* no writable cache folder (a read-only home): a private one in /tmp */
            snprintf(base, sizeof base, "/tmp/meetingapp-%d", (int)getuid());
            snprintf(dir, sizeof dir, "%s/%s", base, id);
            snprintf(done, sizeof done, "%s/.complete", dir);
            snprintf(exe, sizeof exe, "%s/meetingapp", dir);
            mkdirs(base, 0700);
        }
    }
    if (access(done, F_OK) != 0) {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%d", base, id, (int)getpid());
        rm_tree(tmp);
        mkdirs(tmp, 0755);
        if (isatty(2))
            fprintf(stderr, "meetingapp: first start of this version: unpacking %.0f MB into %s\n",
                    le64(foot + 56) / 1e6, base);
        unpack(f, offset, count, tmp);
        char mark[PATH_MAX];
        snprintf(mark, sizeof mark, "%s/.complete", tmp);
        int fd = open(mark, O_WRONLY | O_CREAT, 0644);
        if (fd < 0) die("cannot create", mark);
        close(fd);
        if (rename(tmp, dir) != 0) {
            if (errno != EEXIST && errno != ENOTEMPTY) die("cannot create", dir);
            rm_tree(tmp); /* another start finished first: use its folder */
        }
        tidy(base, id);
    }
    fclose(f);

    setenv("MEETINGAPP_BINARY", self, 1);
    execv(exe, argv);
    die("cannot start", exe);
    return 127;
}
