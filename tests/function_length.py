#!/usr/bin/env python3
"""function_length.py: fails when a function in src/ is longer than the limit.

A function a reader cannot hold at once is split into named steps (Dear
ImGui's demo keeps each window's sections as small static functions). This
counts the lines of every function body in the C++ sources, from the line of
its opening brace to the line of its closing one, lambdas inside it
included, and names each one over the limit with its file and line.

Usage: function_length.py [--max N] [ROOT]   (default: 80 lines, the src/ beside this script)
"""
import argparse
import pathlib
import re
import sys

FUNC_TAIL = re.compile(r"\)\s*(const|noexcept|override|final|mutable|&|&&|\s)*(->[^;{}]*)?$", re.S)
CLASS_HEAD = re.compile(r"\b(class|struct|union|enum)\b[^()]*$", re.S)
CTOR_INIT = re.compile(r"\)\s*:\s*[\w:<>,\s]+[({].*$", re.S)


def blank_out(src):
    """The source with comments, strings and character literals replaced by spaces (newlines kept)."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c == 'R' and src.startswith('R"', i) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', src[i:])
            end = src.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j += 1
        else:
            out.append(c)
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", src[i:j]))
        i = j
    return "".join(out)


def long_functions(path, limit):
    text = blank_out(path.read_text(encoding="utf-8", errors="replace"))
    stack = []  # per open brace: "scope" (namespace, class, top) or "func" with its start, or "block"
    head_start = 0
    found = []
    for i, c in enumerate(text):
        if c in ";}" or c == "{":
            if c == "{":
                head = text[head_start:i].strip()
                inside_func = any(kind == "func" for kind, _ in stack)
                if inside_func:
                    stack.append(("block", None))
                elif re.search(r"\bnamespace\b|\bextern\b\s*$", head) or CLASS_HEAD.search(head):
                    stack.append(("scope", None))
                elif FUNC_TAIL.search(head) or CTOR_INIT.search(head):
                    stack.append(("func", (text.count("\n", 0, i) + 1, head)))
                else:
                    stack.append(("block", None))
            elif c == "}" and stack:
                kind, info = stack.pop()
                if kind == "func":
                    first, head = info
                    last = text.count("\n", 0, i) + 1
                    if last - first + 1 > limit:
                        name = re.findall(r"([~\w:]+)\s*\(", head)
                        found.append((first, last - first + 1, name[0] if name else "?"))
            head_start = i + 1
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=80)
    ap.add_argument("root", nargs="?", default=str(pathlib.Path(__file__).resolve().parent.parent / "src"))
    a = ap.parse_args()
    root = pathlib.Path(a.root)
    if not root.is_dir():
        print(f"function_length: {root} is not a folder", file=sys.stderr)
        return 2
    bad = 0
    for path in sorted(list(root.rglob("*.cpp")) + list(root.rglob("*.h"))):
        for line, length, name in long_functions(path, a.max):
            print(f"{path.relative_to(root.parent)}:{line}: {name} is {length} lines; at most {a.max}")
            bad += 1
    if bad:
        print(f"function_length: {bad} function(s) over {a.max} lines: split them into named steps", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
