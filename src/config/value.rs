//! One value of the configuration file as sh reads one word of an
//! assignment, and the rules a database or role name must meet. Never
//! quotes a value in an error: it may be a password.

/// What `parse_value` made of the text so far.
pub(super) enum Word {
    Done(String),
    /// A quote is open or the line ends with a backslash: sh reads on.
    More,
}

/// A value as sh reads one word of an assignment: unquoted, `'...'` and
/// `"..."` parts side by side (`'p'\''q'`), `\x` outside quotes, `\"`,
/// `\\`, `\$`, `` \` `` and backslash-newline inside double quotes,
/// optionally followed by a `# comment`. What sh would expand or treat as
/// syntax (`$name`, `` `cmd` ``, `$(...)`, unquoted `;` `|` `&`...) is
/// refused, never guessed at. The reason never quotes the value: it may
/// be a password.
pub(super) fn parse_value(text: &str) -> Result<Word, String> {
    const FIX: &str = "put the value in single quotes (a ' inside written '\\'')";
    let expands = |next: Option<&char>| {
        matches!(next, Some(c) if c.is_ascii_alphanumeric()
            || matches!(c, '_' | '{' | '(' | '@' | '*' | '#' | '?' | '-' | '$' | '!'))
    };
    let mut chars = text.chars().peekable();
    let mut out = String::new();
    while let Some(ch) = chars.next() {
        match ch {
            ' ' | '\t' => {
                let tail: String = chars.collect();
                let tail = tail.trim_start();
                if !tail.is_empty() && !tail.starts_with('#') {
                    return Err(format!(
                        "text after the value: quote a value that contains spaces, {FIX}"
                    ));
                }
                break;
            }
            '\'' => loop {
                match chars.next() {
                    Some('\'') => break,
                    Some(c) => out.push(c),
                    None => return Ok(Word::More),
                }
            },
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(c @ ('"' | '\\' | '$' | '`')) => out.push(c),
                        Some('\n') => {}
                        Some(c) => {
                            out.push('\\');
                            out.push(c);
                        }
                        None => return Ok(Word::More),
                    },
                    Some('`') => {
                        return Err(format!(
                            "'`' inside double quotes (sh would run a command): {FIX}"
                        ))
                    }
                    Some('$') if expands(chars.peek()) => {
                        return Err(format!(
                            "'$' inside double quotes (sh would expand it): {FIX}"
                        ))
                    }
                    Some(c) => out.push(c),
                    None => return Ok(Word::More),
                }
            },
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(c) => out.push(c),
                None => return Ok(Word::More),
            },
            '$' if !expands(chars.peek()) => out.push(ch),
            '$' | '`' => {
                return Err(format!(
                    "unquoted '{ch}' in the value (sh would expand it): {FIX}"
                ))
            }
            ';' | '&' | '|' | '<' | '>' | '(' | ')' | '\n' => {
                let what = if ch == '\n' {
                    "a line break".to_string()
                } else {
                    format!("'{ch}'")
                };
                return Err(format!("unquoted {what} in the value: {FIX}"));
            }
            c => out.push(c),
        }
    }
    Ok(Word::Done(out))
}

/// A database or role name: anything PostgreSQL takes, since every use is
/// quoted (`pg::quote_ident`, bind parameters). Refused only what it cannot
/// take: empty, NUL, over 63 bytes (it would silently cut the name, and we
/// would then look for another one).
pub(super) fn identifier(value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err("empty: give a name".into());
    }
    if value.contains('\0') {
        return Err("contains a NUL byte, which PostgreSQL cannot store in a name".into());
    }
    if value.len() > 63 {
        // Never the whole value: it may be megabytes long.
        let start: String = value.chars().take(40).collect();
        return Err(format!(
            "'{start}...' is {} bytes long; PostgreSQL names are at most 63 bytes",
            value.len()
        ));
    }
    Ok(value.to_string())
}

/// DB_OWNER: a name (`identifier`) that PostgreSQL also allows for a role:
/// `public` and `none` mean something else, `pg_` is its own prefix.
pub(super) fn role_name(value: &str) -> Result<String, String> {
    let name = identifier(value)?;
    if name == "public" || name == "none" || name.starts_with("pg_") {
        return Err(format!(
            "'{name}' is reserved by PostgreSQL for its own roles: choose another role name"
        ));
    }
    Ok(name)
}
