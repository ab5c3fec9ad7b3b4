"""Unified-diff parsing: new-side line spans, binaries, renames, deletions, quoted paths."""

from __future__ import annotations

import pytest

from mlgate.core.changes import ChangedFile
from mlgate.vcs.diff import parse_unified_diff, unquote

# What `git diff --unified=0 --find-renames --src-prefix=a/ --dst-prefix=b/` prints
# (recorded from git 2.x, names with a space end with a tab on the ---/+++ lines).
PATCH = """\
diff --git a/bin.dat b/bin.dat
index bdc955b..8835708 100644
Binary files a/bin.dat and b/bin.dat differ
diff --git a/keep.txt b/keep.txt
index f00c965..4d783b5 100644
--- a/keep.txt
+++ b/keep.txt
@@ -3 +2,0 @@
-3
@@ -8 +7 @@
-8
+seven
@@ -10,0 +10,3 @@ x
+a
+b
+c
diff --git a/old.txt b/new.txt
similarity index 69%
rename from old.txt
rename to new.txt
index edb6c6a..8e7bcf7 100644
--- a/old.txt
+++ b/new.txt
@@ -6,0 +7 @@ r6
+++ b/not-a-header.txt
diff --git a/x y.txt b/x y.txt
index de98044..a7bc997 100644
--- a/x y.txt\t
+++ b/x y.txt\t
@@ -2 +2 @@ a
-b
+B
@@ -3,0 +4 @@ c
+d
diff --git a/gone.py b/gone.py
deleted file mode 100644
index 1111111..0000000
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/moved.py b/renamed.py
similarity index 100%
rename from moved.py
rename to renamed.py
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
diff --git "a/caf\\303\\251 \\"q\\".py" "b/caf\\303\\251 \\"q\\".py"
new file mode 100644
index 0000000..b534f5e
--- /dev/null
+++ "b/caf\\303\\251 \\"q\\".py"
@@ -0,0 +1,2 @@
+one
+two
diff --git "a/new\\tbin.pt" "b/new\\tbin.pt"
new file mode 100644
index 0000000..8835708
Binary files /dev/null and "b/new\\tbin.pt" differ
"""


def test_patch_gives_new_side_spans_per_file_and_skips_no_content_changes() -> None:
    assert parse_unified_diff(PATCH) == (
        ChangedFile(path="bin.dat", whole=True),
        ChangedFile(path="keep.txt", spans=((7, 7), (10, 12))),
        ChangedFile(path="new.txt", spans=((7, 7),)),
        ChangedFile(path="x y.txt", spans=((2, 2), (4, 4))),
        ChangedFile(path='café "q".py', spans=((1, 2),)),
        ChangedFile(path="new\tbin.pt", whole=True),
    )


def test_adjacent_hunks_merge_into_one_span() -> None:
    patch = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+A\n@@ -2,0 +2,2 @@\n+b\n+c\n"
    assert parse_unified_diff(patch) == (ChangedFile(path="f", spans=((1, 3),)),)


def test_a_form_feed_inside_an_added_line_is_not_a_line_break() -> None:
    patch = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+x\x0c@@ -1 +99 @@\n"
    assert parse_unified_diff(patch) == (ChangedFile(path="f", spans=((1, 1),)),)


def test_empty_and_garbage_input_give_no_changes() -> None:
    assert parse_unified_diff("") == ()
    assert parse_unified_diff("not a diff\n@@ -1 +1 @@\n") == ()


@pytest.mark.parametrize(
    ("quoted", "plain"),
    [
        ("plain.py", "plain.py"),
        ('"a\\303\\251"', "aé"),
        ('"tab\\there"', "tab\there"),
        ('"q\\"uote\\\\"', 'q"uote\\'),
        ('"raw\\377"', "raw\udcff"),
    ],
)
def test_unquote_reads_git_c_style_quoting(quoted: str, plain: str) -> None:
    assert unquote(quoted) == plain
