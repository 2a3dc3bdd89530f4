; fsstudio highlight query for JSON (tree-sitter-json 0.23).
; Later patterns win: keys are strings too, so they come after strings.

(string) @string
(escape_sequence) @string
(number) @number
[(true) (false) (null)] @constant
(comment) @comment
(pair key: (string) @property)
