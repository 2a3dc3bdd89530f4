/* Requests: what a key asks for. One list drives the enum, the names used in
 * `bind` lines, the help screen and the context menu, as in tig.
 *
 * G(title) opens a group of the help screen; R(ID, name, help) is one
 * request. Keys are not here: every default binding is a `bind` line of the
 * built-in config, share/fsstudiorc. */
#ifndef FS_UI_REQUEST_H
#define FS_UI_REQUEST_H

#define FS_REQ_LIST(G, R) \
	G("Moving") \
	R(MOVE_UP,        "move-up",        "Move the cursor up") \
	R(MOVE_DOWN,      "move-down",      "Move the cursor down") \
	R(MOVE_PAGE_UP,   "move-page-up",   "Move one page up") \
	R(MOVE_PAGE_DOWN, "move-page-down", "Move one page down") \
	R(MOVE_FIRST,     "move-first",     "Go to the first line") \
	R(MOVE_LAST,      "move-last",      "Go to the last line") \
	R(EXPAND,         "expand",         "Expand, or go to the first child") \
	R(COLLAPSE,       "collapse",       "Collapse, or go to the parent") \
	R(ENTER,          "enter",          "Open: toggle a node, edit a function or a property") \
	R(PARENT,         "parent",         "Go to the parent object") \
	R(FOCUS_NEXT,     "focus-next",     "Switch between the tree and the details") \
	R(SCROLL_LEFT,    "scroll-left",    "Scroll the pane's text to the left (long lines)") \
	R(SCROLL_RIGHT,   "scroll-right",   "Scroll the pane's text to the right") \
	R(ZOOM,           "zoom",           "Give the focused pane the whole screen (again: back)") \
	G("Searching") \
	R(FILTER,         "filter",         "Filter the tree by name; search the text of other panes (Esc clears)") \
	R(FIND_NEXT,      "find-next",      "Go to the next match") \
	R(FIND_PREV,      "find-prev",      "Go to the previous match") \
	R(GOTO_TARGET,    "goto-target",    "Go to the view a listener or transaction targets") \
	R(GO_BACK,        "go-back",        "Go back to where goto-target started") \
	G("Editing") \
	R(NEW,            "new",            "New object under the selection (menu)") \
	R(NEW_CONNECTOR,  "new-connector",  "New FullSync connector") \
	R(NEW_DDOC,       "new-ddoc",       "New design document") \
	R(NEW_VIEW,       "new-view",       "New view") \
	R(NEW_REDUCE,     "new-reduce",     "Add a reduce function to the view") \
	R(NEW_LISTENER,   "new-listener",   "New view listener") \
	R(RENAME,         "rename",         "Rename the selected object") \
	R(DELETE,         "delete",         "Delete the selected object (asks first)") \
	R(TREE_UNDO,      "tree-undo",      "Undo the last tree operation or property change (saved or not)") \
	R(TREE_REDO,      "tree-redo",      "Redo the tree operation just undone") \
	R(COPY,           "copy",           "Copy the selected object") \
	R(PASTE,          "paste",          "Paste a copy under the selection") \
	R(EDIT_PROP,      "edit-property",  "Change the selected property in place") \
	R(EDIT,           "edit",           "Edit the selected function") \
	R(EXTERNAL_EDIT,  "external-edit",  "Edit the selected function in $EDITOR") \
	R(SAVE,           "save",           "Save every changed project") \
	G("Function editor") \
	R(UNDO,           "undo",           "Undo (typing a word is one step)") \
	R(REDO,           "redo",           "Redo") \
	R(MARK,           "mark",           "Start or drop a selection at the cursor") \
	R(CUT,            "cut",            "Cut the selection (or the line)") \
	R(COPY_TEXT,      "copy-text",      "Copy the selection (or the line)") \
	R(PASTE_TEXT,     "paste-text",     "Paste at the cursor") \
	R(SEARCH,         "search",         "Search forward (wraps)") \
	R(SEARCH_BACK,    "search-back",    "Search backward (wraps)") \
	R(SEARCH_NEXT,    "search-next",    "Next match of the last search") \
	R(REPLACE,        "replace",        "Replace the matches, one by one or all") \
	R(GOTO_LINE,      "goto-line",      "Go to a line") \
	R(MATCH_BRACKET,  "match-bracket",  "Jump to the matching bracket") \
	R(REDUCE_BUILTIN, "reduce-builtin", "Choose a built-in reduce (_count, _sum...)") \
	R(CHAR_LEFT,      "char-left",      "Cursor one character left") \
	R(CHAR_RIGHT,     "char-right",     "Cursor one character right") \
	R(LINE_UP,        "line-up",        "Cursor one line up") \
	R(LINE_DOWN,      "line-down",      "Cursor one line down") \
	R(LINE_START,     "line-start",     "Cursor to the start of the line") \
	R(LINE_END,       "line-end",       "Cursor to the end of the line") \
	R(SELECT_LEFT,    "select-left",    "Select one character left") \
	R(SELECT_RIGHT,   "select-right",   "Select one character right") \
	R(SELECT_UP,      "select-up",      "Select one line up") \
	R(SELECT_DOWN,    "select-down",    "Select one line down") \
	R(SELECT_START,   "select-line-start", "Select to the start of the line") \
	R(SELECT_END,     "select-line-end", "Select to the end of the line") \
	R(BACKSPACE,      "backspace",      "Delete the selection or the character before the cursor") \
	R(DELETE_CHAR,    "delete-char",    "Delete the selection or the character at the cursor") \
	R(NEWLINE,        "newline",        "New line, indented as the one before") \
	R(INDENT,         "indent",         "Indent the selected lines, else insert an indent") \
	R(UNINDENT,       "unindent",       "Unindent the line or the selected lines") \
	R(NEXT_ERROR,     "next-error",     "Go to the next syntax error or warning (wraps)") \
	R(FINDINGS,       "findings",       "List the errors and warnings; Enter goes to one") \
	R(RUN_PANEL,      "run-panel",      "Show or hide the function's results on the connector's samples") \
	G("Git") \
	R(STATUS,         "status",         "Git status of the projects, in objects") \
	R(PICK,           "pick",           "Pick an object for the next commit") \
	R(COMMIT,         "commit",         "Commit (the picked objects, else all)") \
	R(HISTORY,        "history",        "History of the selected object, with diffs") \
	R(RESTORE,        "restore",        "Restore the object to the chosen revision (HEAD in the tree)") \
	G("Deploy") \
	R(DEPLOY,         "deploy",         "Deploy design documents: server, plan, confirm") \
	R(SERVERS,        "servers",        "Servers overview: which commit each server runs") \
	R(PROMOTE,        "promote",        "Servers overview: deploy to the selected server the commit another one runs") \
	G("Listeners") \
	R(LISTENER,       "listener",       "Replay the selected listener's last changes, chunk by chunk (server menu)") \
	R(DELIVER,        "deliver",        "Listener pane: deliver the chunk at the cursor to the profile's listener_target (asks first)") \
	G("Browsing") \
	R(BROWSE,         "browse",         "Browse servers, databases and documents") \
	R(RUN_VIEW,       "run-view",       "Run the selected view on a server (query form)") \
	R(PAGE_NEXT,      "page-next",      "Next page of documents or rows") \
	R(PAGE_PREV,      "page-prev",      "Previous page of documents or rows") \
	R(REVISIONS,      "revisions",      "Revisions and conflicts of the document") \
	R(DIFF_REVS,      "diff-revs",      "Mark a revision; on a second one, show the diff") \
	R(RESOLVE,        "resolve",        "Keep this revision, delete the other leaves") \
	R(CONFLICTS_ONLY, "conflicts-only", "Only documents with conflicts (toggle)") \
	R(CHANGES,        "changes",        "Changes of the database; again: follow live") \
	R(AS_USER,        "view-as-user",   "Only the documents a FullSync user receives") \
	R(ACL_INDEX,      "acl-index",      "Create the index on ~c8oAcl that view as user uses (asks first)") \
	R(REFRESH,        "refresh",        "Read again: the server (browser), else the project's files and git state") \
	R(PERMISSIONS,    "permissions",    "Admins and members of the database: edit in $EDITOR, confirm") \
	G("Misc") \
	R(MENU,           "menu",           "Context menu of the selection") \
	R(HELP,           "help",           "Show this help") \
	R(REDRAW,         "redraw",         "Redraw the screen") \
	R(CLOSE,          "close",          "Close the help or menu, clear the filter") \
	R(QUIT,           "quit",           "Quit (asks when changes are unsaved)")

typedef enum fs_req {
	FS_REQ_NONE,
#define FS_REQ_ENUM(id, name, help) FS_REQ_##id,
#define FS_REQ_SKIP(title)
	FS_REQ_LIST(FS_REQ_SKIP, FS_REQ_ENUM)
#undef FS_REQ_ENUM
	FS_REQ_COUNT
} fs_req;

struct fs_req_info {
	fs_req req;          /* FS_REQ_NONE for a group title */
	const char *name;    /* group title for groups */
	const char *help;
};

/* The table in list order, groups included; *n gets its length. */
const struct fs_req_info *fs_req_table(size_t *n);
/* FS_REQ_NONE when unknown. */
fs_req fs_req_by_name(const char *name);
const char *fs_req_name(fs_req r);
const char *fs_req_help(fs_req r);

#endif
