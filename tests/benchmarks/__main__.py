from tests.benchmarks.harness import main

raise SystemExit(main())
