/* The event codec of accord.runtime.avro_events, compiled.
 *
 * avro_events writes a Python function per generated event class that reads an Avro body
 * straight into the class's slots (and one that writes it from them). This module does the
 * same work from a per-class table of field kinds instead of generated code: the bytes, the
 * objects and the slots are the same, but one call does it all in C, which is what a
 * consumer's and a producer's hot path spend most of their interpreter time on.
 *
 * It covers exactly what the Python functions cover (flat records of primitives, uuid,
 * timestamp-millis/micros and date logical types, enums, [null, T] unions and arrays of
 * primitives); avro_events builds the table and keeps the Python function for everything
 * else. Whatever is unexpected at run time (a value of another type, a timestamp in another
 * time zone, a UUID written in an unusual form) either goes through the Python converter the
 * table names for that field, or raises, and the serde's check-once wrapper hands the item to
 * the general path, which gives the explained error. Nothing here decides an error message.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <structmember.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
    K_NULL = 0,
    K_BOOLEAN = 1,
    K_LONG = 2, /* int and long: the same varint */
    K_FLOAT = 3,
    K_DOUBLE = 4,
    K_BYTES = 5,
    K_STRING = 6,
    K_ENUM = 7,
    K_UUID = 8,
    K_TIMESTAMP_MILLIS = 9,
    K_TIMESTAMP_MICROS = 10,
    K_DATE = 11,
    K_ARRAY = 12,
    K_LAST = 12
};

/* Days between 0001-01-01 and 9999-12-31 and the epoch, and their microsecond bounds. */
#define MIN_DAYS (-719162LL)
#define MAX_DAYS (2932896LL)
#define US_PER_DAY 86400000000LL
#define MS_PER_DAY 86400000LL

static PyObject *uuid_type;       /* uuid.UUID */
static PyObject *uuid_int_slot;   /* vars(uuid.UUID)["int"] */
static PyObject *uuid_safe_slot;  /* vars(uuid.UUID)["is_safe"] */
static PyObject *uuid_unknown;    /* uuid.SafeUUID.unknown */
static PyObject *empty_tuple;
static PyObject *sixty_four;      /* the int 64 */
static PyObject *str_value;       /* "value" */

typedef struct {
    int kind;
    int nullable;
    int null_index; /* the union branch of null, when nullable */
    int item_kind;  /* an array's items */
    PyObject *slot; /* reader: the class's member descriptor; writer: the attribute name */
    descrsetfunc set;
    PyObject *members;  /* enum: members by symbol index */
    PyObject *encoded;  /* writer, enum: the index of each member as Avro bytes */
    PyObject *by_value; /* writer, enum: symbol -> Avro bytes (a value given as its symbol) */
    PyObject *convert;  /* a Python converter for what the C code does not take */
} Field;

static int fields_traverse(Field *fields, Py_ssize_t n, visitproc visit, void *arg) {
    for (Py_ssize_t i = 0; fields != NULL && i < n; i++) {
        Py_VISIT(fields[i].slot);
        Py_VISIT(fields[i].members);
        Py_VISIT(fields[i].encoded);
        Py_VISIT(fields[i].by_value);
        Py_VISIT(fields[i].convert);
    }
    return 0;
}

static void fields_free(Field *fields, Py_ssize_t n) {
    if (fields == NULL) return;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_XDECREF(fields[i].slot);
        Py_XDECREF(fields[i].members);
        Py_XDECREF(fields[i].encoded);
        Py_XDECREF(fields[i].by_value);
        Py_XDECREF(fields[i].convert);
    }
    PyMem_Free(fields);
}

/* A field's table entry: (kind, nullable, null_index, item_kind, slot, members, encoded,
 * by_value, convert), the last four None when unused. */
static int field_parse(PyObject *spec, Field *f, int reader) {
    PyObject *slot, *members, *encoded, *by_value, *convert;
    if (!PyTuple_Check(spec) ||
        !PyArg_ParseTuple(spec, "iiiiOOOOO", &f->kind, &f->nullable, &f->null_index,
                          &f->item_kind, &slot, &members, &encoded, &by_value, &convert)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a field is a 9-tuple");
        return -1;
    }
    if (f->kind < 0 || f->kind > K_LAST || f->item_kind < 0 || f->item_kind > K_STRING ||
        (f->null_index != 0 && f->null_index != 1)) {
        PyErr_SetString(PyExc_ValueError, "unknown field kind");
        return -1;
    }
    if (reader) {
        f->set = Py_TYPE(slot)->tp_descr_set;
        if (f->set == NULL) {
            PyErr_SetString(PyExc_TypeError, "a reader's slot must be a data descriptor");
            return -1;
        }
    } else if (!PyUnicode_Check(slot)) {
        PyErr_SetString(PyExc_TypeError, "a writer's slot is an attribute name");
        return -1;
    }
    if (f->kind == K_ENUM &&
        (!PyTuple_Check(members) ||
         (!reader && (!PyTuple_Check(encoded) || PyTuple_GET_SIZE(encoded) !=
                                                     PyTuple_GET_SIZE(members) ||
                      !PyDict_Check(by_value))))) {
        PyErr_SetString(PyExc_TypeError, "an enum field needs its members");
        return -1;
    }
    if ((f->kind == K_UUID || (!reader && f->kind >= K_UUID && f->kind <= K_DATE)) &&
        !PyCallable_Check(convert)) {
        PyErr_SetString(PyExc_TypeError, "this field kind needs a converter");
        return -1;
    }
    if (!reader && f->kind == K_ENUM) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(encoded); i++) {
            if (!PyBytes_Check(PyTuple_GET_ITEM(encoded, i))) {
                PyErr_SetString(PyExc_TypeError, "enum indexes are bytes");
                return -1;
            }
        }
    }
    Py_INCREF(slot);
    f->slot = slot;
    f->members = members == Py_None ? NULL : Py_NewRef(members);
    f->encoded = encoded == Py_None ? NULL : Py_NewRef(encoded);
    f->by_value = by_value == Py_None ? NULL : Py_NewRef(by_value);
    f->convert = convert == Py_None ? NULL : Py_NewRef(convert);
    return 0;
}

static Field *fields_parse(PyObject *specs, Py_ssize_t *count, int reader) {
    if (!PyTuple_Check(specs)) {
        PyErr_SetString(PyExc_TypeError, "fields must be a tuple");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(specs);
    Field *fields = PyMem_Calloc(n ? n : 1, sizeof(Field));
    if (fields == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (field_parse(PyTuple_GET_ITEM(specs, i), &fields[i], reader) < 0) {
            fields_free(fields, i);
            return NULL;
        }
    }
    *count = n;
    return fields;
}

/* --- calendar arithmetic (H. Hinnant's days_from_civil and civil_from_days) ----------- */

static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* An aware UTC datetime ``micros`` microseconds from the epoch. */
static PyObject *datetime_from_micros(int64_t micros) {
    if (micros < MIN_DAYS * US_PER_DAY || micros >= (MAX_DAYS + 1) * US_PER_DAY) {
        PyErr_SetString(PyExc_OverflowError, "timestamp out of the datetime range");
        return NULL;
    }
    int64_t days = floor_div(micros, US_PER_DAY);
    int64_t rest = micros - days * US_PER_DAY;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t seconds = rest / 1000000;
    return PyDateTimeAPI->DateTime_FromDateAndTime(
        y, m, d, (int)(seconds / 3600), (int)(seconds / 60 % 60), (int)(seconds % 60),
        (int)(rest % 1000000), PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
}

/* --- reading ------------------------------------------------------------------------ */

typedef struct {
    const unsigned char *p;
    Py_ssize_t pos, len;
} Input;

static int truncated(void) {
    PyErr_SetString(PyExc_ValueError, "the body ends early");
    return -1;
}

static int read_long(Input *in, int64_t *out) {
    uint64_t n = 0;
    int shift = 0;
    unsigned char b;
    do {
        if (in->pos >= in->len) return truncated();
        if (shift > 63) {
            PyErr_SetString(PyExc_ValueError, "varint longer than ten bytes");
            return -1;
        }
        b = in->p[in->pos++];
        n |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
    } while (b & 0x80);
    *out = (int64_t)((n >> 1) ^ (~(n & 1) + 1));
    return 0;
}

static int read_size(Input *in, Py_ssize_t *out) {
    int64_t n;
    if (read_long(in, &n) < 0) return -1;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "negative length");
        return -1;
    }
    if (n > in->len - in->pos) return truncated();
    *out = (Py_ssize_t)n;
    return 0;
}

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A UUID from its text: 32 hex digits with dashes anywhere (what uuid_from_text takes
 * without calling uuid.UUID), else what ``convert`` (uuid_from_text) makes of the text. */
static PyObject *read_uuid(const unsigned char *s, Py_ssize_t n, PyObject *convert) {
    char digits[33];
    int count = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] == '-') continue;
        if (count == 32 || hex_value(s[i]) < 0) {
            count = -1;
            break;
        }
        digits[count++] = (char)s[i];
    }
    if (count != 32) {
        PyObject *text = PyUnicode_DecodeUTF8((const char *)s, n, NULL);
        if (text == NULL) return NULL;
        PyObject *result = PyObject_CallOneArg(convert, text);
        Py_DECREF(text);
        return result;
    }
    digits[32] = '\0';
    PyObject *value = PyLong_FromString(digits, NULL, 16);
    if (value == NULL) return NULL;
    PyObject *result = PyBaseObject_Type.tp_new((PyTypeObject *)uuid_type, empty_tuple, NULL);
    if (result == NULL ||
        Py_TYPE(uuid_int_slot)->tp_descr_set(uuid_int_slot, result, value) < 0 ||
        Py_TYPE(uuid_safe_slot)->tp_descr_set(uuid_safe_slot, result, uuid_unknown) < 0) {
        Py_XDECREF(result);
        Py_DECREF(value);
        return NULL;
    }
    Py_DECREF(value);
    return result;
}

/* One value of a primitive kind (also an array's items). */
static PyObject *read_primitive(Input *in, int kind) {
    int64_t n;
    Py_ssize_t size;
    PyObject *value;
    switch (kind) {
    case K_NULL:
        Py_RETURN_NONE;
    case K_BOOLEAN:
        if (in->pos >= in->len) return truncated(), NULL;
        return PyBool_FromLong(in->p[in->pos++] != 0);
    case K_LONG:
        if (read_long(in, &n) < 0) return NULL;
        return PyLong_FromLongLong(n);
    case K_FLOAT:
        if (in->len - in->pos < 4) return truncated(), NULL;
        value = PyFloat_FromDouble(PyFloat_Unpack4((const char *)in->p + in->pos, 1));
        in->pos += 4;
        return value;
    case K_DOUBLE:
        if (in->len - in->pos < 8) return truncated(), NULL;
        value = PyFloat_FromDouble(PyFloat_Unpack8((const char *)in->p + in->pos, 1));
        in->pos += 8;
        return value;
    case K_BYTES:
    case K_STRING:
        if (read_size(in, &size) < 0) return NULL;
        value = kind == K_STRING
                    ? PyUnicode_DecodeUTF8((const char *)in->p + in->pos, size, NULL)
                    : PyBytes_FromStringAndSize((const char *)in->p + in->pos, size);
        in->pos += size;
        return value;
    }
    PyErr_SetString(PyExc_ValueError, "not a primitive kind");
    return NULL;
}

/* Nulls take no bytes, so only a limit stops a few bytes from asking for gigabytes of them. */
#define MAX_NULLS (1 << 24)

static PyObject *read_array(Input *in, int item_kind) {
    PyObject *items = PyList_New(0);
    if (items == NULL) return NULL;
    for (;;) {
        int64_t count, bytes;
        if (read_long(in, &count) < 0) goto fail;
        if (count == 0) break;
        if (count < 0) {
            if (count == INT64_MIN) {
                PyErr_SetString(PyExc_ValueError, "block count out of range");
                goto fail;
            }
            count = -count;
            if (read_long(in, &bytes) < 0) goto fail;
        }
        /* Every item but a null takes a byte at least: a count past that is corrupt. */
        if (item_kind == K_NULL ? count > MAX_NULLS - PyList_GET_SIZE(items)
                                : count > in->len - in->pos) {
            truncated();
            goto fail;
        }
        for (int64_t i = 0; i < count; i++) {
            PyObject *item = read_primitive(in, item_kind);
            if (item == NULL || PyList_Append(items, item) < 0) {
                Py_XDECREF(item);
                goto fail;
            }
            Py_DECREF(item);
        }
    }
    PyObject *result = PyList_AsTuple(items);
    Py_DECREF(items);
    return result;
fail:
    Py_DECREF(items);
    return NULL;
}

static PyObject *read_field(Input *in, Field *f) {
    int64_t n;
    Py_ssize_t size;
    if (f->nullable) {
        if (read_long(in, &n) < 0) return NULL;
        if (n == f->null_index) Py_RETURN_NONE;
        if (n != 1 - f->null_index) {
            PyErr_SetString(PyExc_ValueError, "union index out of range");
            return NULL;
        }
    }
    switch (f->kind) {
    case K_ENUM:
        if (read_long(in, &n) < 0) return NULL;
        if (n < 0 || n >= PyTuple_GET_SIZE(f->members)) {
            PyErr_SetString(PyExc_ValueError, "enum index out of range");
            return NULL;
        }
        return Py_NewRef(PyTuple_GET_ITEM(f->members, n));
    case K_UUID:
        if (read_size(in, &size) < 0) return NULL;
        in->pos += size;
        return read_uuid(in->p + in->pos - size, size, f->convert);
    case K_TIMESTAMP_MILLIS:
        if (read_long(in, &n) < 0) return NULL;
        if (n < MIN_DAYS * MS_PER_DAY || n >= (MAX_DAYS + 1) * MS_PER_DAY) {
            PyErr_SetString(PyExc_OverflowError, "timestamp out of the datetime range");
            return NULL;
        }
        return datetime_from_micros(n * 1000);
    case K_TIMESTAMP_MICROS:
        if (read_long(in, &n) < 0) return NULL;
        return datetime_from_micros(n);
    case K_DATE: {
        if (read_long(in, &n) < 0) return NULL;
        if (n < MIN_DAYS || n > MAX_DAYS) {
            PyErr_SetString(PyExc_OverflowError, "date out of range");
            return NULL;
        }
        int y, m, d;
        civil_from_days(n, &y, &m, &d);
        return PyDateTimeAPI->Date_FromDate(y, m, d, PyDateTimeAPI->DateType);
    }
    case K_ARRAY:
        return read_array(in, f->item_kind);
    default:
        return read_primitive(in, f->kind);
    }
}

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *fallback; /* called with the same argument when the C code raises, or NULL */
    PyObject *cls;
    Py_ssize_t start;
    Py_ssize_t count;
    Field *fields;
} EventReader;

/* What a reader or writer returns when its own work raised: the fallback's answer (which
 * gives the error its explanation), or the error itself when there is no fallback. */
static PyObject *fall_back(PyObject *fallback, PyObject *argument) {
    if (fallback == NULL || fallback == Py_None || !PyErr_ExceptionMatches(PyExc_Exception))
        return NULL;
    PyErr_Clear();
    return PyObject_CallOneArg(fallback, argument);
}

static PyObject *reader_read(EventReader *self, PyObject *data) {
    Py_buffer view;
    if (self->cls == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a cleared EventReader");
        return NULL;
    }
    if (PyBytes_CheckExact(data)) {
        /* The common case (confluent-kafka's values): no buffer to take and release. */
        view.obj = NULL;
        view.buf = PyBytes_AS_STRING(data);
        view.len = PyBytes_GET_SIZE(data);
    } else if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    Input in = {(const unsigned char *)view.buf, self->start, view.len};
    PyObject *event = NULL;
    if (in.pos > in.len) {
        truncated();
        goto done;
    }
    event = PyBaseObject_Type.tp_new((PyTypeObject *)self->cls, empty_tuple, NULL);
    if (event == NULL) goto done;
    for (Py_ssize_t i = 0; i < self->count; i++) {
        Field *f = &self->fields[i];
        PyObject *value = read_field(&in, f);
        if (value == NULL || f->set(f->slot, event, value) < 0) {
            Py_XDECREF(value);
            Py_CLEAR(event);
            goto done;
        }
        Py_DECREF(value);
    }
    if (in.pos != in.len) {
        PyErr_Format(PyExc_ValueError, "the body ends at byte %zd of %zd", in.pos, in.len);
        Py_CLEAR(event);
    }
done:
    if (view.obj != NULL) PyBuffer_Release(&view);
    return event;
}

static PyObject *reader_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                                   PyObject *kwnames) {
    if (PyVectorcall_NARGS(nargsf) != 1 || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "read(data) takes one argument");
        return NULL;
    }
    PyObject *event = reader_read((EventReader *)self, args[0]);
    return event != NULL ? event : fall_back(((EventReader *)self)->fallback, args[0]);
}

static PyObject *reader_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *specs, *cls;
    Py_ssize_t start;
    static char *keywords[] = {"fields", "cls", "start", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOn:EventReader", keywords, &specs, &cls,
                                     &start))
        return NULL;
    if (!PyType_Check(cls) || start < 0) {
        PyErr_SetString(PyExc_TypeError, "EventReader(fields, cls: type, start: int >= 0)");
        return NULL;
    }
    EventReader *self = (EventReader *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->vectorcall = reader_vectorcall;
    self->cls = Py_NewRef(cls);
    self->start = start;
    self->fields = fields_parse(specs, &self->count, 1);
    if (self->fields == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static int reader_traverse(EventReader *self, visitproc visit, void *arg) {
    Py_VISIT(self->fallback);
    Py_VISIT(self->cls);
    return fields_traverse(self->fields, self->count, visit, arg);
}

static int reader_clear(EventReader *self) {
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->cls);
    fields_free(self->fields, self->count);
    self->fields = NULL;
    self->count = 0;
    return 0;
}

static void reader_dealloc(EventReader *self) {
    PyObject_GC_UnTrack(self);
    reader_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMemberDef reader_members[] = {
    {"fallback", T_OBJECT, offsetof(EventReader, fallback), 0,
     PyDoc_STR("called with the data instead when reading it raises (None: raise)")},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject EventReaderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "accord.runtime._speedups.EventReader",
    .tp_doc = PyDoc_STR("EventReader(fields, cls, start): read(data) -> an event of cls"),
    .tp_basicsize = sizeof(EventReader),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_HAVE_GC,
    .tp_new = reader_new,
    .tp_traverse = (traverseproc)reader_traverse,
    .tp_clear = (inquiry)reader_clear,
    .tp_members = reader_members,
    .tp_dealloc = (destructor)reader_dealloc,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(EventReader, vectorcall),
};

/* --- writing ------------------------------------------------------------------------ */

typedef struct {
    char *p;
    Py_ssize_t len, cap;
    char stack[512];
} Output;

static int out_reserve(Output *out, Py_ssize_t more) {
    if (out->len + more <= out->cap) return 0;
    Py_ssize_t cap = out->cap;
    while (cap < out->len + more) {
        if (cap > PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    char *p = out->p == out->stack ? PyMem_Malloc(cap) : PyMem_Realloc(out->p, cap);
    if (p == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (out->p == out->stack) memcpy(p, out->stack, out->len);
    out->p = p;
    out->cap = cap;
    return 0;
}

static int out_bytes(Output *out, const void *p, Py_ssize_t n) {
    if (out_reserve(out, n) < 0) return -1;
    memcpy(out->p + out->len, p, n);
    out->len += n;
    return 0;
}

static int out_long(Output *out, int64_t n) {
    if (out_reserve(out, 10) < 0) return -1;
    uint64_t z = ((uint64_t)n << 1) ^ (uint64_t)(n >> 63);
    while (z > 0x7F) {
        out->p[out->len++] = (char)((z & 0x7F) | 0x80);
        z >>= 7;
    }
    out->p[out->len++] = (char)z;
    return 0;
}

static int out_sized(Output *out, const void *p, Py_ssize_t n) {
    if (out_long(out, n) < 0) return -1;
    return out_bytes(out, p, n);
}

static int write_int(Output *out, PyObject *value) {
    int overflow;
    if (!PyLong_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "a long field holds an int");
        return -1;
    }
    long long n = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow) {
        PyErr_SetString(PyExc_OverflowError, "does not fit an Avro long");
        return -1;
    }
    if (n == -1 && PyErr_Occurred()) return -1;
    return out_long(out, n);
}

static const char HEX[] = "0123456789abcdef";

/* The low ``digits`` hex digits of ``word``, most significant first, lower case. */
static void put_hex(char *out, unsigned long long word, int digits) {
    for (int i = digits - 1; i >= 0; i--, word >>= 4) out[i] = HEX[word & 0xF];
}

/* The 36 characters of a UUID's canonical text; -1 when ``value`` is not a uuid.UUID (or
 * its int is not 128 bits), with no error set for the first case. */
static int uuid_chars(PyObject *value, char *text) {
    if (Py_TYPE(value) != (PyTypeObject *)uuid_type) return -1;
    PyObject *number = Py_TYPE(uuid_int_slot)->tp_descr_get(uuid_int_slot, value, uuid_type);
    if (number == NULL) return -1;
    unsigned long long lo = PyLong_AsUnsignedLongLongMask(number);
    PyObject *high = PyNumber_Rshift(number, sixty_four);
    Py_DECREF(number);
    if (high == NULL) return -1;
    unsigned long long hi = PyLong_AsUnsignedLongLong(high);
    Py_DECREF(high);
    if (hi == (unsigned long long)-1 && PyErr_Occurred()) return -1;
    if (lo == (unsigned long long)-1 && PyErr_Occurred()) return -1;
    put_hex(text, hi >> 32, 8); /* 8-4-4-4-12 */
    text[8] = '-';
    put_hex(text + 9, hi >> 16, 4);
    text[13] = '-';
    put_hex(text + 14, hi, 4);
    text[18] = '-';
    put_hex(text + 19, lo >> 48, 4);
    text[23] = '-';
    put_hex(text + 24, lo, 12);
    return 0;
}

/* The int a logical value is written as: computed here for the common types, else what the
 * field's Python converter returns. */
static int logical_int(Field *f, PyObject *value, int64_t *result) {
    if (f->kind == K_DATE && (PyDate_CheckExact(value) || PyDateTime_CheckExact(value))) {
        *result = days_from_civil(PyDateTime_GET_YEAR(value), PyDateTime_GET_MONTH(value),
                                  PyDateTime_GET_DAY(value));
        return 0;
    }
    if (f->kind != K_DATE && PyDateTime_CheckExact(value)) {
        PyObject *zone = PyDateTime_DATE_GET_TZINFO(value);
        if (zone == Py_None || zone == PyDateTime_TimeZone_UTC) {
            int64_t days = days_from_civil(PyDateTime_GET_YEAR(value),
                                           PyDateTime_GET_MONTH(value),
                                           PyDateTime_GET_DAY(value));
            int64_t seconds = PyDateTime_DATE_GET_HOUR(value) * 3600 +
                              PyDateTime_DATE_GET_MINUTE(value) * 60 +
                              PyDateTime_DATE_GET_SECOND(value);
            int64_t micros = days * US_PER_DAY + seconds * 1000000 +
                             PyDateTime_DATE_GET_MICROSECOND(value);
            *result = f->kind == K_TIMESTAMP_MILLIS ? floor_div(micros, 1000) : micros;
            return 0;
        }
    }
    PyObject *converted = PyObject_CallOneArg(f->convert, value);
    if (converted == NULL) return -1;
    long long n = PyLong_AsLongLong(converted);
    Py_DECREF(converted);
    if (n == -1 && PyErr_Occurred()) return -1;
    *result = n;
    return 0;
}

static int write_primitive(Output *out, int kind, PyObject *value) {
    char packed[8];
    Py_ssize_t size;
    const char *text;
    double number;
    switch (kind) {
    case K_NULL:
        return 0;
    case K_BOOLEAN: {
        int truth = PyObject_IsTrue(value);
        if (truth < 0) return -1;
        return out_bytes(out, truth ? "\x01" : "\x00", 1);
    }
    case K_LONG:
        return write_int(out, value);
    case K_FLOAT:
    case K_DOUBLE:
        number = PyFloat_AsDouble(value);
        if (number == -1.0 && PyErr_Occurred()) return -1;
        if (kind == K_FLOAT ? PyFloat_Pack4(number, packed, 1) : PyFloat_Pack8(number, packed, 1))
            return -1;
        return out_bytes(out, packed, kind == K_FLOAT ? 4 : 8);
    case K_STRING:
        if (!PyUnicode_CheckExact(value)) { /* a subclass may have its own encode() */
            PyErr_SetString(PyExc_TypeError, "a string field holds a str");
            return -1;
        }
        text = PyUnicode_AsUTF8AndSize(value, &size);
        if (text == NULL) return -1;
        return out_sized(out, text, size);
    case K_BYTES:
        if (PyBytes_Check(value))
            return out_sized(out, PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value));
        if (PyByteArray_Check(value))
            return out_sized(out, PyByteArray_AS_STRING(value), PyByteArray_GET_SIZE(value));
        if (PyMemoryView_Check(value)) {
            Py_buffer view;
            if (PyObject_GetBuffer(value, &view, PyBUF_SIMPLE) < 0) return -1;
            int status = -1;
            if (view.itemsize == 1) /* else len() counts items, not bytes: leave it */
                status = out_sized(out, view.buf, view.len);
            else
                PyErr_SetString(PyExc_TypeError, "a memoryview of items wider than a byte");
            PyBuffer_Release(&view);
            return status;
        }
        PyErr_SetString(PyExc_TypeError, "a bytes field holds bytes");
        return -1;
    }
    PyErr_SetString(PyExc_ValueError, "not a primitive kind");
    return -1;
}

static int write_enum(Output *out, Field *f, PyObject *value) {
    Py_ssize_t n = PyTuple_GET_SIZE(f->members);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyTuple_GET_ITEM(f->members, i) == value) {
            PyObject *index = PyTuple_GET_ITEM(f->encoded, i);
            return out_bytes(out, PyBytes_AS_STRING(index), PyBytes_GET_SIZE(index));
        }
    }
    PyObject *symbol = PyObject_GetAttr(value, str_value);
    if (symbol == NULL) return -1;
    PyObject *index = PyDict_GetItemWithError(f->by_value, symbol);
    if (index == NULL) {
        if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, symbol);
        Py_DECREF(symbol);
        return -1;
    }
    Py_DECREF(symbol);
    if (!PyBytes_Check(index)) {
        PyErr_SetString(PyExc_TypeError, "enum indexes are bytes");
        return -1;
    }
    return out_bytes(out, PyBytes_AS_STRING(index), PyBytes_GET_SIZE(index));
}

static int write_field(Output *out, Field *f, PyObject *value) {
    if (f->nullable) {
        int is_null = value == Py_None;
        if (out_long(out, is_null ? f->null_index : 1 - f->null_index) < 0) return -1;
        if (is_null) return 0;
    }
    int64_t n;
    switch (f->kind) {
    case K_ENUM:
        return write_enum(out, f, value);
    case K_UUID: {
        char text[36];
        if (uuid_chars(value, text) == 0) return out_sized(out, text, 36);
        if (PyErr_Occurred()) return -1;
        PyObject *converted = PyObject_CallOneArg(f->convert, value);
        if (converted == NULL) return -1;
        int status = write_primitive(out, K_STRING, converted);
        Py_DECREF(converted);
        return status;
    }
    case K_TIMESTAMP_MILLIS:
    case K_TIMESTAMP_MICROS:
    case K_DATE:
        if (logical_int(f, value, &n) < 0) return -1;
        return out_long(out, n);
    case K_ARRAY: {
        if (!PyList_Check(value) && !PyTuple_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "an array field holds a tuple or a list");
            return -1;
        }
        PyObject *items = Py_NewRef(value);
        Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
        PyObject **item = PySequence_Fast_ITEMS(items);
        int status = 0;
        if (count) status = out_long(out, count);
        for (Py_ssize_t i = 0; i < count && status == 0; i++)
            status = write_primitive(out, f->item_kind, item[i]);
        Py_DECREF(items);
        return status < 0 ? -1 : out_bytes(out, "\x00", 1);
    }
    default:
        return write_primitive(out, f->kind, value);
    }
}

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *fallback; /* as EventReader's */
    PyObject *header;
    Py_ssize_t count;
    Field *fields;
} EventWriter;

static PyObject *writer_write(EventWriter *self, PyObject *event) {
    Output out;
    out.p = out.stack;
    out.len = 0;
    out.cap = sizeof(out.stack);
    PyObject *result = NULL;
    if (out_bytes(&out, PyBytes_AS_STRING(self->header), PyBytes_GET_SIZE(self->header)) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < self->count; i++) {
        Field *f = &self->fields[i];
        PyObject *value = PyObject_GetAttr(event, f->slot);
        if (value == NULL) goto done;
        int status = write_field(&out, f, value);
        Py_DECREF(value);
        if (status < 0) goto done;
    }
    result = PyBytes_FromStringAndSize(out.p, out.len);
done:
    if (out.p != out.stack) PyMem_Free(out.p);
    return result;
}

static PyObject *writer_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                                   PyObject *kwnames) {
    if (PyVectorcall_NARGS(nargsf) != 1 || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "encode(event) takes one argument");
        return NULL;
    }
    PyObject *data = writer_write((EventWriter *)self, args[0]);
    return data != NULL ? data : fall_back(((EventWriter *)self)->fallback, args[0]);
}

static PyObject *writer_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *specs, *header;
    static char *keywords[] = {"fields", "header", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO!:EventWriter", keywords, &specs,
                                     &PyBytes_Type, &header))
        return NULL;
    EventWriter *self = (EventWriter *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->vectorcall = writer_vectorcall;
    self->header = Py_NewRef(header);
    self->fields = fields_parse(specs, &self->count, 0);
    if (self->fields == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static int writer_traverse(EventWriter *self, visitproc visit, void *arg) {
    Py_VISIT(self->fallback);
    return fields_traverse(self->fields, self->count, visit, arg);
}

static int writer_clear(EventWriter *self) {
    Py_CLEAR(self->fallback);
    fields_free(self->fields, self->count);
    self->fields = NULL;
    self->count = 0;
    return 0;
}

static void writer_dealloc(EventWriter *self) {
    PyObject_GC_UnTrack(self);
    writer_clear(self);
    Py_XDECREF(self->header);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMemberDef writer_members[] = {
    {"fallback", T_OBJECT, offsetof(EventWriter, fallback), 0,
     PyDoc_STR("called with the event instead when writing it raises (None: raise)")},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject EventWriterType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "accord.runtime._speedups.EventWriter",
    .tp_doc = PyDoc_STR("EventWriter(fields, header): encode(event) -> header + Avro body"),
    .tp_basicsize = sizeof(EventWriter),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_HAVE_GC,
    .tp_new = writer_new,
    .tp_traverse = (traverseproc)writer_traverse,
    .tp_clear = (inquiry)writer_clear,
    .tp_members = writer_members,
    .tp_dealloc = (destructor)writer_dealloc,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(EventWriter, vectorcall),
};

/* --- module -------------------------------------------------------------------------- */

static PyObject *uuid_text(PyObject *module, PyObject *value) {
    char text[36];
    if (uuid_chars(value, text) == 0) return PyUnicode_FromStringAndSize(text, 36);
    if (PyErr_Occurred()) return NULL;
    return PyObject_Str(value);
}

/* The 16 bytes of a UUID in canonical text (36 characters, lower-case hex, dashes at 8, 13,
 * 18 and 23), or None for any other text (the inbox keeps those as they are). */
static PyObject *uuid_key(PyObject *module, PyObject *text) {
    if (!PyUnicode_Check(text) || PyUnicode_GET_LENGTH(text) != 36 ||
        PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND)
        Py_RETURN_NONE;
    const unsigned char *s = PyUnicode_1BYTE_DATA(text);
    unsigned char raw[16];
    int at = 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') Py_RETURN_NONE;
            continue;
        }
        int high = hex_value(s[i]), low;
        if (high < 0 || (s[i] >= 'A' && s[i] <= 'F')) Py_RETURN_NONE;
        i++;
        if (i == 8 || i == 13 || i == 18 || i == 23) Py_RETURN_NONE;
        low = hex_value(s[i]);
        if (low < 0 || (s[i] >= 'A' && s[i] <= 'F')) Py_RETURN_NONE;
        raw[at++] = (unsigned char)(high << 4 | low);
    }
    return PyBytes_FromStringAndSize((const char *)raw, 16);
}

static int low_words(PyObject *number, int words, unsigned long long *out) {
    Py_INCREF(number);
    for (int i = 0; i < words; i++) {
        out[i] = PyLong_AsUnsignedLongLongMask(number);
        if (out[i] == (unsigned long long)-1 && PyErr_Occurred()) break;
        if (i + 1 < words) {
            PyObject *rest = PyNumber_Rshift(number, sixty_four);
            Py_DECREF(number);
            if (rest == NULL) return -1;
            number = rest;
        }
    }
    Py_DECREF(number);
    return PyErr_Occurred() ? -1 : 0;
}

/* A W3C traceparent header, version 00, sampled, from a trace id's 128 bits and a span id's
 * 64 (the low bits of the ints given); an id of all zeros, which the standard forbids,
 * becomes 1. */
static PyObject *traceparent(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    unsigned long long trace[2], span;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "traceparent(trace_bits, span_bits)");
        return NULL;
    }
    if (low_words(args[0], 2, trace) < 0 || low_words(args[1], 1, &span) < 0) return NULL;
    if (trace[0] == 0 && trace[1] == 0) trace[0] = 1;
    if (span == 0) span = 1;
    char text[55];
    memcpy(text, "00-", 3);
    put_hex(text + 3, trace[1], 16);
    put_hex(text + 19, trace[0], 16);
    text[35] = '-';
    put_hex(text + 36, span, 16);
    memcpy(text + 52, "-01", 3);
    return PyBytes_FromStringAndSize(text, 55);
}

static PyMethodDef methods[] = {
    {"uuid_text", uuid_text, METH_O, PyDoc_STR("str(value), made in C for a uuid.UUID")},
    {"uuid_key", uuid_key, METH_O,
     PyDoc_STR("the 16 bytes of a UUID's canonical text, or None for other text")},
    {"traceparent", (PyCFunction)(void (*)(void))traceparent, METH_FASTCALL,
     PyDoc_STR("traceparent(trace_bits, span_bits) -> the header's bytes")},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", PyDoc_STR("accord's compiled event codec"), -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) return NULL;
    PyObject *uuid = PyImport_ImportModule("uuid");
    if (uuid == NULL) return NULL;
    uuid_type = PyObject_GetAttrString(uuid, "UUID");
    PyObject *safe = PyObject_GetAttrString(uuid, "SafeUUID");
    Py_DECREF(uuid);
    if (uuid_type == NULL || safe == NULL) return NULL;
    uuid_unknown = PyObject_GetAttrString(safe, "unknown");
    Py_DECREF(safe);
    PyObject *slots = PyObject_GetAttrString(uuid_type, "__dict__");
    if (uuid_unknown == NULL || slots == NULL) return NULL;
    uuid_int_slot = PyMapping_GetItemString(slots, "int");
    uuid_safe_slot = PyMapping_GetItemString(slots, "is_safe");
    Py_DECREF(slots);
    if (uuid_int_slot == NULL || uuid_safe_slot == NULL) return NULL;
    if (Py_TYPE(uuid_int_slot)->tp_descr_get == NULL ||
        Py_TYPE(uuid_int_slot)->tp_descr_set == NULL ||
        Py_TYPE(uuid_safe_slot)->tp_descr_set == NULL) {
        PyErr_SetString(PyExc_ImportError, "uuid.UUID has no int and is_safe slots");
        return NULL;
    }
    empty_tuple = PyTuple_New(0);
    sixty_four = PyLong_FromLong(64);
    str_value = PyUnicode_InternFromString("value");
    if (empty_tuple == NULL || sixty_four == NULL || str_value == NULL) return NULL;
    if (PyType_Ready(&EventReaderType) < 0 || PyType_Ready(&EventWriterType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddObjectRef(m, "EventReader", (PyObject *)&EventReaderType) < 0 ||
        PyModule_AddObjectRef(m, "EventWriter", (PyObject *)&EventWriterType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
