#!/usr/bin/env python3
"""function_length_test.py: the function-length checker counts what it should.

A function of 80 lines passes and one of 81 fails, named with its file and
line; a class body, a namespace, a braced initialiser, braces in strings and
comments, and lambdas inside a function are not counted as functions of
their own.
"""
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent


def function(name, lines):
    body = "\n".join(f"  x += {i};  // {{" for i in range(lines - 2))
    return f"int {name}(int x) {{\n{body}\n}}\n"


def run(root):
    return subprocess.run([sys.executable, str(HERE / "function_length.py"), str(root)], capture_output=True, text=True)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "src"
        src.mkdir()
        lambda_fn = "void g() {\n  auto f = [&] {\n" + "    h();\n" * 30 + "  };\n  f();\n}\n"
        ok = ("namespace a {\nstruct S {\n  int v[3] = {1, 2, 3};\n  void m() { const char* s = \"}}}\"; }\n};\n"
              + function("fits", 80) + lambda_fn + "}  // namespace a\n")
        (src / "ok.cpp").write_text(ok)
        r = run(src)
        assert r.returncode == 0, f"an 80-line function was refused: {r.stdout}{r.stderr}"
        (src / "long.h").write_text("namespace b {\n" + function("too_long", 81) + "}\n")
        r = run(src)
        assert r.returncode == 1, f"an 81-line function passed: {r.stdout}{r.stderr}"
        assert "src/long.h:2: too_long is 81 lines" in r.stdout, r.stdout
        assert ": fits " not in r.stdout and ": g " not in r.stdout, r.stdout
    print("function_length_test: ok")


if __name__ == "__main__":
    main()
