; fsstudio highlight query for JavaScript (tree-sitter-javascript 0.23).
;
; When several patterns capture the same node the last one wins, so the
; general rules come first and the specific ones after them. An inner node
; always wins over the node around it.

; ---- Names -----------------------------------------------------------------

(identifier) @variable
(property_identifier) @property
(shorthand_property_identifier) @property
(shorthand_property_identifier_pattern) @variable
(private_property_identifier) @property

; Names in capitals are constants by convention. (Every pattern on
; identifiers costs a match per identifier: keep them few.)
((identifier) @constant
 (#match? @constant "^([A-Z][A-Z0-9_]*|NaN|Infinity)$"))

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
(call_expression function: (identifier) @function)
(new_expression constructor: (identifier) @function)
(call_expression
  function: (member_expression property: (property_identifier) @method))
(method_definition name: (property_identifier) @method)
(pair
  key: (property_identifier) @method
  value: [(function_expression) (arrow_function)])

; ---- Built-ins -------------------------------------------------------------

; Global objects of JavaScript.
((identifier) @builtin
 (#any-of? @builtin
  "JSON" "Math" "Object" "Array" "String" "Number" "Boolean" "Date"
  "RegExp" "Error" "TypeError" "Promise" "Symbol" "Map" "Set"
  "console" "arguments" "isNaN" "isFinite" "parseInt" "parseFloat"
  "encodeURIComponent" "decodeURIComponent"))

; Functions the CouchDB query server gives design functions.
(call_expression
  function: (identifier) @builtin
  (#any-of? @builtin
   "emit" "log" "sum" "toJSON" "isArray" "require" "getRow" "send"
   "start" "provides" "registerType" "index"))

(call_expression
  function: (member_expression property: (property_identifier) @builtin)
  (#any-of? @builtin "isArray" "toJSON"))

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
