package dev.heartbeat.support;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Writes values as {@link Json#mapper()} writes them — a tree as its {@code valueToTree} gives, text as its
 * {@code writeValueAsString} — for the shapes this project writes: records (snake_case names, {@code @JsonProperty}
 * names, nulls left out, {@code @JsonInclude} and {@code @JsonIgnore} on a component, a type named in a property by
 * {@code @JsonTypeInfo}), text, whole numbers, doubles, booleans, enums (by name or their {@code @JsonValue}), types
 * written as their {@code @JsonValue}, {@link OffsetDateTime} (ISO-8601 with its offset), lists, maps with text
 * keys, and {@link JsonNode} trees.
 *
 * <p>Why not the mapper alone: it introspects each type on first use (annotations, accessors, naming, a serializer
 * built for every type), which in a fresh JVM costs writing one decision record ~80 ms of CPU, a tenth of a cold
 * {@code --once}. This reads a record's components once and walks the value.
 *
 * <p>It never writes anything the mapper would write differently: any other type, annotation or inclusion makes it
 * <em>decline</em> (an empty result), and {@link Json} writes with the mapper. Under the binder's crosscheck
 * ({@code -Dhb.bind.crosscheck=true}, which the tests set) {@link Json} writes both ways and fails where they differ.
 */
final class RecordWriter {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<Class<?>, Optional<Shape>> SHAPES = new ConcurrentHashMap<>();
    private static final Map<Class<?>, WrittenAs> WRITTEN_AS = new ConcurrentHashMap<>();

    /** The Jackson annotations a record component may carry here; any other declines. */
    private static final Set<Class<? extends Annotation>> COMPONENT_ANNOTATIONS =
            Set.of(JsonProperty.class, JsonInclude.class, JsonIgnore.class);

    /** The Jackson annotations a record or its supertypes may carry here (naming its type); any other declines. */
    private static final Set<Class<? extends Annotation>> TYPE_ANNOTATIONS =
            Set.of(JsonTypeInfo.class, JsonSubTypes.class, JsonTypeName.class);

    private RecordWriter() {}

    /** The value's tree, as the mapper's {@code valueToTree} gives it, or empty where the mapper must write it. */
    static Optional<JsonNode> tree(@Nullable Object value) {
        try {
            return Optional.of(node(value, value == null ? Object.class : value.getClass()));
        } catch (Decline e) {
            return Optional.empty();
        }
    }

    /** The value as text, as the mapper's {@code writeValueAsString} writes it, or empty where the mapper must. */
    static Optional<String> text(@Nullable Object value) {
        if (value instanceof JsonNode node) {
            return text(node);
        }
        return tree(value).flatMap(RecordWriter::text);
    }

    /** A tree as text, as the mapper writes it; empty for nodes that hold Java objects or binary data. */
    static Optional<String> text(JsonNode tree) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, tree);
        } catch (Decline e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return Optional.of(out.toString());
    }

    /**
     * Writes {@code tree} to a generator of the caller's, as the mapper would, and says so; false, with nothing
     * written, where it cannot (a float, a decimal, binary data or a Java object in it). Checked before writing:
     * a decline halfway would leave the caller's document half written.
     */
    static boolean writeTree(JsonGenerator g, JsonNode tree) throws IOException {
        if (!writes(tree)) {
            return false;
        }
        try {
            write(g, tree);
        } catch (Decline e) {
            throw new AssertionError("a tree writes() accepted was declined: " + tree, e);
        }
        return true;
    }

    /** Whether {@link #write} writes every node of {@code tree}. */
    private static boolean writes(JsonNode tree) {
        return switch (tree.getNodeType()) {
            case OBJECT, ARRAY -> {
                for (JsonNode child : tree) {
                    if (!writes(child)) {
                        yield false;
                    }
                }
                yield true;
            }
            case STRING, BOOLEAN, NULL -> true;
            case NUMBER ->
                switch (tree.numberType()) {
                    case INT, LONG, DOUBLE, BIG_INTEGER -> true;
                    default -> false;
                };
            default -> false;
        };
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException, Decline {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    g.writeFieldName(field.getKey());
                    write(g, field.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode child : node) {
                    write(g, child);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> g.writeNumber(node.intValue());
                    case LONG -> g.writeNumber(node.longValue());
                    case DOUBLE -> g.writeNumber(node.doubleValue());
                    case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                    default -> throw Decline.INSTANCE; // floats and decimals have options of their own
                }
            }
            default -> throw Decline.INSTANCE; // missing, binary, POJO
        }
    }

    /**
     * {@code value}'s node; {@code declared} is the type the mapper knows it by (a component's or an element's
     * declared type, the value's own class at the top), which decides whether a type id is written.
     */
    private static JsonNode node(@Nullable Object value, Type declared) throws Decline {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof OffsetDateTime t) {
            return NODES.textNode(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t));
        }
        if (value instanceof JsonNode n) {
            return n.deepCopy();
        }
        if (value instanceof List<?> list) {
            Type element = argument(declared, 0);
            ArrayNode array = NODES.arrayNode(list.size());
            for (Object item : list) {
                array.add(node(item, element));
            }
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            Type element = argument(declared, 1);
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw Decline.INSTANCE;
                }
                if (entry.getValue() != null) { // the mapper's inclusion leaves out null values of maps too
                    object.set(key, node(entry.getValue(), element));
                }
            }
            return object;
        }
        Class<?> type = value.getClass();
        WrittenAs as = WRITTEN_AS.computeIfAbsent(type, WrittenAs::of);
        if (as.mapperOnly()) {
            throw Decline.INSTANCE;
        }
        if (as.valueMethod() != null) {
            Object written = invoke(as.valueMethod(), value);
            return node(written, written == null ? Object.class : written.getClass());
        }
        if (value instanceof Enum<?> constant) {
            return NODES.textNode(constant.name());
        }
        if (value instanceof Record) {
            Shape shape = SHAPES.computeIfAbsent(type, Shape::of).orElseThrow(() -> Decline.INSTANCE);
            return shape.node(value, raw(declared));
        }
        throw Decline.INSTANCE;
    }

    private static Type argument(Type declared, int index) {
        if (declared instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return Object.class;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }

    /**
     * How the mapper writes a type as something else: the method it is written as ({@code @JsonValue}), or
     * {@code mapperOnly} where that is decided in ways this does not follow (a {@code @JsonValue} field, an enum
     * with Jackson's annotations on it or its constants).
     */
    private record WrittenAs(@Nullable Method valueMethod, boolean mapperOnly) {
        static WrittenAs of(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class && c != Enum.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    // a record's fields carry its components' annotations (@JsonValue on its accessor as well)
                    if ((!c.isRecord() && f.isAnnotationPresent(JsonValue.class))
                            || (c.isEnum() && jacksonAnnotated(f))) {
                        return new WrittenAs(null, true);
                    }
                }
                for (Method m : c.getDeclaredMethods()) {
                    JsonValue annotation = m.getAnnotation(JsonValue.class);
                    if (annotation != null && annotation.value()) {
                        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                            return new WrittenAs(null, true);
                        }
                        m.setAccessible(true);
                        return new WrittenAs(m, false);
                    }
                }
                if (c.isEnum() && jacksonAnnotated(c)) {
                    return new WrittenAs(null, true);
                }
            }
            return new WrittenAs(null, false);
        }
    }

    private static @Nullable Object invoke(Method accessor, Object target) throws Decline {
        try {
            return accessor.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw Decline.INSTANCE; // the mapper reports it as it always has
        }
    }

    private static boolean jacksonAnnotated(AnnotatedElement element) {
        return Arrays.stream(element.getAnnotations()).anyMatch(a -> isJackson(a.annotationType()));
    }

    private static boolean isJackson(Class<? extends Annotation> type) {
        return type.getName().startsWith("com.fasterxml.jackson.");
    }

    /** A record type: its type id where it has one, and its components in order. */
    private record Shape(@Nullable TypeId typeId, List<Component> components) {
        static Optional<Shape> of(Class<?> type) {
            if (!Modifier.isPublic(type.getModifiers()) || hasOtherGetters(type)) {
                return Optional.empty();
            }
            for (Class<?> c : supertypes(type)) {
                for (Annotation a : c.getAnnotations()) {
                    if (isJackson(a.annotationType()) && !TYPE_ANNOTATIONS.contains(a.annotationType())) {
                        return Optional.empty();
                    }
                }
            }
            Optional<TypeId> typeId = TypeId.of(type);
            if (typeId == null) {
                return Optional.empty();
            }
            List<Component> components = new ArrayList<>();
            for (RecordComponent rc : type.getRecordComponents()) {
                Optional<Component> component = Component.of(type, rc);
                if (component == null) {
                    return Optional.empty();
                }
                component.ifPresent(components::add);
            }
            String idProperty = typeId.map(TypeId::property).orElse(null);
            if (components.stream().anyMatch(c -> c.name().equals(idProperty))) {
                return Optional.empty();
            }
            return Optional.of(new Shape(typeId.orElse(null), List.copyOf(components)));
        }

        JsonNode node(Object value, Class<?> declared) throws Decline {
            ObjectNode object = NODES.objectNode();
            // The mapper writes the id where the type it knows the value by names one: a list of Object does not.
            if (typeId != null && typeId.base().isAssignableFrom(declared)) {
                object.put(typeId.property(), typeId.name());
            }
            for (Component c : components) {
                Object v = invoke(c.accessor(), value);
                if (c.include().writes(v)) {
                    object.set(c.name(), RecordWriter.node(v, c.type()));
                }
            }
            return object;
        }

        /**
         * Public {@code getX()}/{@code isX()} methods besides the components' accessors and not ignored: the mapper
         * writes those too.
         */
        private static boolean hasOtherGetters(Class<?> type) {
            Set<String> accessors = new java.util.HashSet<>();
            for (RecordComponent rc : type.getRecordComponents()) {
                accessors.add(rc.getName());
            }
            for (Method m : type.getMethods()) {
                String name = m.getName();
                boolean getter =
                        (name.startsWith("get") && name.length() > 3) || (name.startsWith("is") && name.length() > 2);
                if (getter
                        && m.getParameterCount() == 0
                        && !Modifier.isStatic(m.getModifiers())
                        && m.getReturnType() != void.class
                        && m.getDeclaringClass() != Object.class
                        && !accessors.contains(name)
                        && !(m.isAnnotationPresent(JsonIgnore.class)
                                && m.getAnnotation(JsonIgnore.class).value())) {
                    return true;
                }
            }
            return false;
        }

        private static List<Class<?>> supertypes(Class<?> type) {
            List<Class<?>> all = new ArrayList<>();
            List<Class<?>> queue = new ArrayList<>(List.of(type));
            while (!queue.isEmpty()) {
                Class<?> c = queue.remove(0);
                if (c == null || c == Object.class || c == Record.class || all.contains(c)) {
                    continue;
                }
                all.add(c);
                queue.add(c.getSuperclass());
                queue.addAll(List.of(c.getInterfaces()));
            }
            return all;
        }
    }

    /** A type id written as a property: the type that asks for it, the property, and this record's name. */
    private record TypeId(Class<?> base, String property, String name) {
        /** Empty without a type id, null where there is one of a kind this does not write. */
        static @Nullable Optional<TypeId> of(Class<?> type) {
            for (Class<?> c : Shape.supertypes(type)) {
                JsonTypeInfo info = c.getAnnotation(JsonTypeInfo.class);
                if (info == null) {
                    continue;
                }
                if (info.use() != JsonTypeInfo.Id.NAME
                        || info.include() != JsonTypeInfo.As.PROPERTY
                        || info.property().isEmpty()) {
                    return null;
                }
                JsonSubTypes listed = c.getAnnotation(JsonSubTypes.class);
                if (listed != null) {
                    for (JsonSubTypes.Type t : listed.value()) {
                        if (t.value() == type && !t.name().isEmpty() && t.names().length == 0) {
                            return Optional.of(new TypeId(c, info.property(), t.name()));
                        }
                    }
                }
                return null; // named elsewhere, or by its class's name: the mapper's rules
            }
            return Optional.empty();
        }
    }

    /** A record component as written: its name, accessor, declared type, and when it is left out. */
    private record Component(String name, Method accessor, Type type, Include include) {
        /** Empty for a component the mapper leaves out ({@code @JsonIgnore}), null for one it writes its own way. */
        static @Nullable Optional<Component> of(Class<?> record, RecordComponent rc) {
            List<Annotation> annotations =
                    new ArrayList<>(List.of(rc.getAccessor().getAnnotations()));
            try {
                annotations.addAll(List.of(record.getDeclaredField(rc.getName()).getAnnotations()));
            } catch (NoSuchFieldException e) {
                return null;
            }
            String name = SNAKE.translate(rc.getName());
            Include include = Include.NON_NULL;
            for (Annotation a : annotations) {
                if (!isJackson(a.annotationType())) {
                    continue;
                }
                if (!COMPONENT_ANNOTATIONS.contains(a.annotationType())) {
                    return null;
                }
                if (a instanceof JsonIgnore ignore) {
                    return ignore.value() ? Optional.empty() : null;
                }
                if (a instanceof JsonProperty p) {
                    if (p.access() != JsonProperty.Access.AUTO || p.index() != JsonProperty.INDEX_UNKNOWN) {
                        return null;
                    }
                    if (!p.value().isEmpty()) {
                        name = p.value();
                    }
                }
                if (a instanceof JsonInclude i) {
                    Include declared = Include.of(i);
                    // its content inclusion (ALWAYS unless given) would keep a map's null values
                    if (declared == null || Map.class.isAssignableFrom(rc.getType()) || rc.getType() == Object.class) {
                        return null;
                    }
                    include = declared;
                }
            }
            Method accessor = rc.getAccessor();
            accessor.setAccessible(true);
            return Optional.of(new Component(name, accessor, rc.getGenericType(), include));
        }
    }

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** When a component is written: the mapper's default (not null), or its own {@code @JsonInclude}. */
    private enum Include {
        NON_NULL,
        NON_EMPTY,
        NON_DEFAULT;

        static @Nullable Include of(JsonInclude annotation) {
            if ((annotation.content() != JsonInclude.Include.ALWAYS
                            && annotation.content() != JsonInclude.Include.USE_DEFAULTS)
                    || annotation.valueFilter() != Void.class
                    || annotation.contentFilter() != Void.class) {
                return null;
            }
            return switch (annotation.value()) {
                case NON_NULL -> NON_NULL;
                case NON_EMPTY -> NON_EMPTY;
                case NON_DEFAULT -> NON_DEFAULT;
                default -> null;
            };
        }

        boolean writes(@Nullable Object value) throws Decline {
            if (value == null) {
                return false;
            }
            if (this == NON_NULL) {
                return true;
            }
            // NON_EMPTY leaves out empty text and containers; NON_DEFAULT also zero and false
            if (value instanceof String s) {
                return !s.isEmpty();
            }
            if (value instanceof Collection<?> c) {
                return !c.isEmpty();
            }
            if (value instanceof Map<?, ?> m) {
                return !m.isEmpty();
            }
            if (value instanceof Boolean b) {
                return this == NON_EMPTY || b;
            }
            if (value instanceof Integer || value instanceof Long) {
                return this == NON_EMPTY || ((Number) value).longValue() != 0;
            }
            if (value instanceof Double d) {
                return this == NON_EMPTY || d != 0.0;
            }
            throw Decline.INSTANCE; // what is empty or default for other types is the mapper's to say
        }
    }

    /** Thrown to leave the value to the mapper; carries no stack (it is control flow, not an error). */
    private static final class Decline extends Exception {
        static final Decline INSTANCE = new Decline();

        private Decline() {
            super(null, null, false, false);
        }
    }
}
