"""Escaping pack and reviewer text before Streamlit renders it as markdown.

st.markdown, st.caption, st.info, st.warning, st.error, st.success, st.subheader, st.toast
and widget labels all render their text as GitHub-flavoured markdown, with Streamlit's own
additions (`:red[...]` colour directives, `:emoji:` short codes and `$...$` LaTeX). Text from
a pack (file names, JSON values, PDF text) or typed by a reviewer must go through
`escape_markdown` before it is interpolated into such a call, or be shown with st.text,
st.code or st.dataframe, which never render markdown.
"""

from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape any ASCII punctuation character, and the escaped
# character is then shown literally. Escaping all of them covers links, images, emphasis,
# code spans, headings, lists, tables, raw HTML tags, entities, Streamlit directives and
# LaTeX delimiters in one rule.
_MARKDOWN_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def escape_markdown(value: object) -> str:
    """Return `str(value)` with every ASCII punctuation character backslash-escaped.

    The result renders as the original text in any Streamlit element that renders
    markdown, so `[x](javascript:alert(1))` stays text instead of becoming a link, and
    `<script>` is shown instead of being treated as an HTML tag. None becomes "".
    """
    if value is None:
        return ""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(value))
