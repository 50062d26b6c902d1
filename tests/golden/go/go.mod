module flowtracker.dev/golden

go 1.19
