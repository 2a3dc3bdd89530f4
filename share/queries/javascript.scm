; fsstudio highlight query for JavaScript (tree-sitter-javascript 0.23).
;
; When several patterns capture the same node the last one wins, so the
; general rules come first and the specific ones after them. An inner node
; always wins over the node around it. A node named by several captures of
; one pattern takes the last one whose predicates hold (a failing predicate
; drops only its own capture there).
;
; Cost: tree-sitter 0.20 pays for every pattern that starts on a node, so
; each kind of node has as few patterns as can be: one for all identifiers,
; one per kind of call.

; ---- Names -----------------------------------------------------------------

; Names in capitals are constants by convention; global objects of
; JavaScript are built-ins.
((identifier) @variable @constant @builtin
 (#match? @constant "^([A-Z][A-Z0-9_]*|NaN|Infinity)$")
 (#any-of? @builtin
  "JSON" "Math" "Object" "Array" "String" "Number" "Boolean" "Date"
  "RegExp" "Error" "TypeError" "Promise" "Symbol" "Map" "Set"
  "console" "arguments" "isNaN" "isFinite" "parseInt" "parseFloat"
  "encodeURIComponent" "decodeURIComponent"))
(property_identifier) @property
(shorthand_property_identifier) @property
(shorthand_property_identifier_pattern) @variable
(private_property_identifier) @property

; ---- Parameters ------------------------------------------------------------

(formal_parameters (identifier) @parameter)
(formal_parameters (assignment_pattern left: (identifier) @parameter))
(formal_parameters (rest_pattern (identifier) @parameter))
(arrow_function parameter: (identifier) @parameter)
(catch_clause parameter: (identifier) @parameter)

; ---- Functions and methods -------------------------------------------------

(function_declaration name: (identifier) @function)
(function_expression name: (identifier) @function)
(variable_declarator
  name: (identifier) @function
  value: [(function_expression) (arrow_function)])
(assignment_expression
  left: (identifier) @function
  right: [(function_expression) (arrow_function)])
; Functions the CouchDB query server gives design functions, and the
; global ones.
(call_expression
  function: (identifier) @function @builtin
  (#any-of? @builtin
   "emit" "log" "sum" "toJSON" "isArray" "require" "getRow" "send"
   "start" "provides" "registerType" "index"
   "JSON" "Math" "Object" "Array" "String" "Number" "Boolean" "Date"
   "RegExp" "Error" "TypeError" "Promise" "Symbol" "Map" "Set"
   "console" "arguments" "isNaN" "isFinite" "parseInt" "parseFloat"
   "encodeURIComponent" "decodeURIComponent"))
(new_expression
  constructor: (identifier) @function @builtin
  (#any-of? @builtin
   "JSON" "Math" "Object" "Array" "String" "Number" "Boolean" "Date"
   "RegExp" "Error" "TypeError" "Promise" "Symbol" "Map" "Set"
   "console" "arguments" "isNaN" "isFinite" "parseInt" "parseFloat"
   "encodeURIComponent" "decodeURIComponent"))
(call_expression
  function: (member_expression property: (property_identifier) @method @builtin)
  (#any-of? @builtin "isArray" "toJSON"))
(method_definition name: (property_identifier) @method)
(pair
  key: (property_identifier) @method
  value: [(function_expression) (arrow_function)])

; ---- Literals --------------------------------------------------------------

(string) @string
(template_string) @string
(regex) @string
(escape_sequence) @string
(number) @number
(comment) @comment
(hash_bang_line) @comment

[(true) (false) (null) (undefined)] @constant

; The inside of ${...} is code, not string.
(template_substitution) @none
(template_substitution ["${" "}"] @operator)

; ---- Keywords and operators ------------------------------------------------

[(this) (super)] @keyword

[
  "as" "async" "await" "break" "case" "catch" "class" "const" "continue"
  "debugger" "default" "delete" "do" "else" "export" "extends" "finally"
  "for" "from" "function" "get" "if" "import" "in" "instanceof" "let" "new"
  "of" "return" "set" "static" "switch" "target" "throw" "try" "typeof"
  "var" "void" "while" "with" "yield"
] @keyword

[
  "=" "+=" "-=" "*=" "/=" "%=" "**=" "&=" "|=" "^=" "<<=" ">>=" ">>>="
  "&&=" "||=" "??=" "==" "===" "!=" "!==" "<" "<=" ">" ">=" "+" "-" "*"
  "/" "%" "**" "++" "--" "&&" "||" "??" "!" "~" "&" "|" "^" "<<" ">>"
  ">>>" "=>" "?" "..."
] @operator

(ternary_expression ":" @operator)
(optional_chain) @operator

; The slashes of a regex are part of it, not division.
(regex "/" @string)
