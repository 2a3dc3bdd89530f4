/* Server profiles and credentials.
 *
 * Profiles live in $XDG_CONFIG_HOME/fsstudio/servers (else
 * ~/.config/fsstudio/servers), an INI-like file that must not be readable or
 * writable by group or others (mode 0600; fsstudio creates it so):
 *
 *   [prod]
 *   url = https://couch.example.com:6984
 *   user = admin
 *   password_command = pass show couch/prod     # or: password = secret
 *   ca_file = /etc/ssl/company-ca.pem           # CA that signed the server's certificate
 *   client_cert = ~/.config/fsstudio/me.pem     # TLS client certificate and its key
 *   client_key = ~/.config/fsstudio/me.key
 *   insecure = false                            # true: no TLS verification (last resort)
 *   revs_limit = 10                             # applied by deploy
 *   members = alice, role:staff                 # deploy sets these on the
 *   admins = role:ops                           # databases it creates
 *   listener_target = https://c8o.example.com/convertigo  # the studio's listener pane delivers here
 *
 * A server is named by a profile name or given as a URL (user:password@ in
 * the URL accepted). Credentials, first found wins: the URL's, the profile's
 * (password_command run only when needed), FSSTUDIO_USER/FSSTUDIO_PASSWORD,
 * then ~/.netrc (by curl; refused, like this file, when group or others may
 * read it). password_command runs with no terminal input and its stderr
 * discarded: a failure reports its exit status, never its output. The
 * profile `local` (http://127.0.0.1:5984)
 * exists unless the file redefines it. Nothing here ever prints a password:
 * fs_server.url is always a display URL. */
#ifndef FS_SERVERS_H
#define FS_SERVERS_H

#include "base/err.h"
#include "couch/couch.h"

#define FS_SERVER_DEFAULT "local"
#define FS_SERVER_DEFAULT_URL "http://127.0.0.1:5984"

typedef struct fs_server {
	char *name;               /* profile name; for a bare URL, the display URL */
	char *url;                /* display URL: no credentials, no trailing slash */
	char *user;               /* NULL: none */
	char *password;           /* secret: never print; NULL until known */
	char *password_command;   /* NULL: none */
	int insecure;
	char *ca_file;            /* TLS files (paths); NULL: none */
	char *client_cert;
	char *client_key;
	long revs_limit;          /* 0: not set */
	char *admins, *members;   /* "alice, role:ops" lists for new databases; NULL: not set */
	char *listener_target;    /* Convertigo server URL the listener pane delivers to (may hold
	                             credentials: never print it whole); NULL: not set */
	char *origin;             /* "file:line" of the profile, or "--server", "default" */
} fs_server;

typedef struct fs_servers {
	fs_server *v;
	size_t n;
	char *path;               /* the profiles file (may not exist) */
} fs_servers;

/* The profiles file path (XDG_CONFIG_HOME or ~/.config). Caller frees. */
char *fs_servers_path(void);
/* Reads the profiles file (path NULL: fs_servers_path()). A missing file is
 * not an error. Refuses (FS_E_AUTH) a file readable or writable by group or
 * others, and FS_E_PARSE with "file:line: ..." on bad lines. The `local`
 * profile is added when not defined. */
enum fs_err_code fs_servers_load(fs_servers *s, const char *path, fs_err *e);
void fs_servers_free(fs_servers *s);
const fs_server *fs_servers_find(const fs_servers *s, const char *name);
/* Adds or replaces a profile in the file, creating it 0600 (and its folder
 * 0700). Other profiles, comments and their order are kept. */
int fs_servers_save_profile(const char *path, const fs_server *srv, fs_err *e);
/* Removes a profile from the file; FS_E_NOTFOUND when absent. */
enum fs_err_code fs_servers_remove_profile(const char *path, const char *name, fs_err *e);

/* Resolves a profile name or a URL (NULL: $FSSTUDIO_SERVER, else `local`)
 * into *out, filled with credentials per the order above (the password
 * command is not run yet). Free with fs_server_free. */
enum fs_err_code fs_server_resolve(const fs_servers *s, const char *name_or_url, fs_server *out, fs_err *e);
void fs_server_free(fs_server *srv);
/* Runs password_command when the password is still unknown. */
enum fs_err_code fs_server_password(fs_server *srv, fs_err *e);
/* A ready client: resolves, gets the password, connects nothing yet.
 * timeout_ms 0: the default deadline. */
fs_couch *fs_server_connect(const fs_server *srv, long timeout_ms, fs_err *e);
/* Shortcut: load the profiles, resolve, connect. */
fs_couch *fs_server_open(const char *name_or_url, fs_err *e);

#endif
