"""Figures typed in from published papers: test oracles shared by several test files."""

# LeCun et al. (1998), Table I: which S2 feature maps (rows 0-5) each C3 map
# (columns 0-15) reads; "X" marks a connection.
LENET5_TABLE_I = [
    "X...XXX..XXXX.XX",
    "XX...XXX..XXXX.X",
    "XXX...XXX..X.XXX",
    ".XXX..XXXX..X.XX",
    "..XXX..XXXX.XX.X",
    "...XXX..XXXX.XXX",
]
