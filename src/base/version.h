#ifndef HOPDOC_VERSION_H
#define HOPDOC_VERSION_H
#define HOPDOC_VERSION "0.1.0"
#endif
