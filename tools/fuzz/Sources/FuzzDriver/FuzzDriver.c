// Only the declaration of libFuzzer's driver is needed; a C target needs a source file.
#include "FuzzDriver.h"
