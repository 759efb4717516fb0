// Loads the modules named on the command line and exits: what loading costs before any synth.
"use strict";
for (const specifier of process.argv.slice(2)) require(specifier);
