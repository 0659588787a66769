package dev.heartbeat.support;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Binds a JSON tree to records through their canonical constructors, for the shapes this project's records use:
 * text, whole numbers, numbers, booleans, enums, values read from text (durations, times, zones, URLs), lists,
 * maps with text keys, nested records, {@link JsonNode}, and types that build themselves from one value with a
 * static {@code @JsonCreator}, and interfaces whose subtypes are named in a property ({@code @JsonTypeInfo}).
 *
 * <p>Why not databind alone: databind introspects each type on first use (annotations, creators, naming, every
 * member), which in a fresh JVM costs a command that reads agent.yaml and a few records more than all the rest of
 * its work. This reads a record's components once and calls its constructor.
 *
 * <p>It never decides anything databind would decide differently: a value outside those shapes, a value databind
 * would convert or reject, an unknown key where the binder is strict, or a constructor that throws makes it
 * <em>decline</em> (an empty result), and the caller binds with databind — which then gives its usual result or its
 * usual error, with the path the error messages name. With {@code -Dhb.bind.crosscheck=true} (the tests set it)
 * {@link #orElse} binds both ways and fails when they differ.
 */
public final class TreeBinder {
    /** {@code -Dhb.bind.crosscheck=true} (the tests set it): each fast path also runs the slow one and compares. */
    public static final boolean CROSSCHECK = Boolean.getBoolean("hb.bind.crosscheck");

    private final UnaryOperator<String> naming;
    private final boolean strict;
    private final Map<Class<?>, Function<String, ?>> fromText;
    private final Map<Class<?>, Optional<RecordModel>> records = new ConcurrentHashMap<>();
    private final Map<Class<?>, Optional<Subtypes>> subtypes = new ConcurrentHashMap<>();
    private final Map<Class<?>, Optional<Method>> creators = new ConcurrentHashMap<>();
    private final Map<Class<?>, Optional<Map<String, Object>>> constants = new ConcurrentHashMap<>();

    /**
     * @param naming   the key for a record component's name (databind's naming strategy's {@code translate})
     * @param strict   whether an unknown key or a null or missing primitive declines (databind set to fail on them)
     *                 rather than being skipped or read as zero
     * @param fromText the types read from text and how; a parse that throws declines
     */
    public TreeBinder(UnaryOperator<String> naming, boolean strict, Map<Class<?>, Function<String, ?>> fromText) {
        this.naming = naming;
        this.strict = strict;
        this.fromText = Map.copyOf(fromText);
    }

    /** {@code tree} bound to {@code type}, or empty where databind must decide. */
    public <T> Optional<T> bind(JsonNode tree, Class<T> type) {
        try {
            return Optional.ofNullable(type.cast(value(tree, type)));
        } catch (Decline e) {
            return Optional.empty();
        }
    }

    /**
     * The fast result, or databind's when the binder declined. Under the crosscheck, databind binds as well and a
     * difference (or databind rejecting what the binder accepted) is an {@link AssertionError}, which no caller's
     * handling of bad input catches.
     */
    public static <T> T orElse(Optional<T> fast, Supplier<T> databind) {
        if (fast.isEmpty()) {
            return databind.get();
        }
        if (CROSSCHECK) {
            T other;
            try {
                other = databind.get();
            } catch (RuntimeException e) {
                throw new AssertionError("the tree binder accepted what databind rejects: " + fast.get(), e);
            }
            if (!fast.get().equals(other)) {
                throw new AssertionError(
                        "the tree binder and databind disagree:\n  binder:   " + fast.get() + "\n  databind: " + other);
            }
        }
        return fast.get();
    }

    private @Nullable Object value(JsonNode node, Type type) throws Decline {
        Class<?> raw = raw(type);
        if (raw == JsonNode.class) {
            return node;
        }
        if (node.isNull()) {
            return nullFor(raw);
        }
        if (raw == String.class) {
            return node.isTextual() ? node.textValue() : decline();
        }
        if (raw == Integer.class || raw == int.class) {
            return node.isIntegralNumber() && node.canConvertToInt() ? (Object) node.intValue() : decline();
        }
        if (raw == Long.class || raw == long.class) {
            return node.isInt() || node.isLong() ? (Object) node.longValue() : decline();
        }
        if (raw == Double.class || raw == double.class) {
            return node.isDouble() || node.isInt() || node.isLong() ? (Object) node.doubleValue() : decline();
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return node.isBoolean() ? (Object) node.booleanValue() : decline();
        }
        Function<String, ?> parse = fromText.get(raw);
        if (parse != null) {
            return node.isTextual() && !node.textValue().isEmpty()
                    ? call(() -> parse.apply(node.textValue()))
                    : decline();
        }
        Optional<Method> creator = creators.computeIfAbsent(raw, TreeBinder::creator);
        if (creator.isPresent()) {
            return created(creator.get(), node);
        }
        if (raw.isEnum()) {
            Map<String, Object> byText =
                    constants.computeIfAbsent(raw, TreeBinder::constants).orElseThrow(Decline::new);
            Object constant = node.isTextual() ? byText.get(node.textValue()) : null;
            return constant != null ? constant : decline();
        }
        if (raw == List.class) {
            return list(node, argument(type, 0));
        }
        if (raw == Map.class && argument(type, 0) == String.class) {
            return map(node, argument(type, 1));
        }
        if (raw.isRecord()) {
            return record(node, model(raw), null);
        }
        if (raw.isInterface() && raw.isAnnotationPresent(JsonTypeInfo.class)) {
            return subtype(node, subtypes.computeIfAbsent(raw, Subtypes::of).orElseThrow(Decline::new));
        }
        return decline();
    }

    private @Nullable Object nullFor(Class<?> raw) throws Decline {
        if (!raw.isPrimitive()) {
            return null;
        }
        return strict ? decline() : zero(raw);
    }

    private static Object zero(Class<?> primitive) throws Decline {
        if (primitive == int.class) {
            return 0;
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == double.class) {
            return 0.0;
        }
        if (primitive == boolean.class) {
            return false;
        }
        return decline();
    }

    private List<@Nullable Object> list(JsonNode node, Type element) throws Decline {
        if (!node.isArray()) {
            return decline();
        }
        List<@Nullable Object> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            out.add(value(item, element));
        }
        return out;
    }

    private Map<String, @Nullable Object> map(JsonNode node, Type value) throws Decline {
        if (!node.isObject()) {
            return decline();
        }
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            out.put(field.getKey(), value(field.getValue(), value));
        }
        return out;
    }

    private RecordModel model(Class<?> type) throws Decline {
        return records.computeIfAbsent(type, c -> RecordModel.of(c, naming)).orElseThrow(Decline::new);
    }

    /** One of an interface's named subtypes, by the value of its type property, which is not the record's. */
    private Object subtype(JsonNode node, Subtypes subtypes) throws Decline {
        JsonNode id = node.get(subtypes.property);
        Class<?> type = id != null && id.isTextual() ? subtypes.byName.get(id.textValue()) : null;
        if (type == null || !type.isRecord()) {
            return decline();
        }
        RecordModel model = model(type);
        return model.keys.containsKey(subtypes.property) ? decline() : record(node, model, subtypes.property);
    }

    /** @param skip the key that named the subtype, if any */
    private Object record(JsonNode node, RecordModel model, @Nullable String skip) throws Decline {
        if (!node.isObject()) {
            return decline();
        }
        @Nullable Object[] args = new Object[model.types.length];
        boolean[] given = new boolean[args.length];
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Integer i = model.keys.get(field.getKey());
            if (i == null) {
                if (field.getKey().equals(skip)) {
                    continue;
                }
                if (strict) {
                    return decline();
                }
                continue;
            }
            args[i] = value(field.getValue(), model.types[i]);
            given[i] = true;
        }
        for (int i = 0; i < args.length; i++) {
            if (!given[i] && model.raw(i).isPrimitive()) {
                args[i] = nullFor(model.raw(i));
            }
        }
        return call(() -> model.constructor.newInstance(args));
    }

    private static Object created(Method creator, JsonNode node) throws Decline {
        Class<?> parameter = creator.getParameterTypes()[0];
        if (parameter == String.class && node.isTextual()) {
            return call(() -> creator.invoke(null, node.textValue()));
        }
        if (parameter == JsonNode.class) {
            return call(() -> creator.invoke(null, node));
        }
        return decline();
    }

    /**
     * An enum's constants by their {@code @JsonValue} text, else by name, as databind reads an enum without a
     * creator; absent when a text cannot be had.
     */
    private static Optional<Map<String, Object>> constants(Class<?> type) {
        Method wire = null;
        for (Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(JsonValue.class)) {
                wire = m;
            }
        }
        Map<String, Object> byText = new HashMap<>();
        try {
            for (Object constant : type.getEnumConstants()) {
                if (wire != null) {
                    wire.setAccessible(true);
                }
                Object text = wire == null ? ((Enum<?>) constant).name() : wire.invoke(constant);
                if (!(text instanceof String key) || byText.put(key, constant) != null) {
                    return Optional.empty();
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(Map.copyOf(byText));
    }

    /** The static one-argument {@code @JsonCreator} of a type, if it has one. */
    private static Optional<Method> creator(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            // The JDK's classes carry no Jackson annotations, and asking for one on a method reads all of its own:
            // List's and Map's static methods were read at every start, and a proxy class made for @SafeVarargs.
            return Optional.empty();
        }
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 1
                    && m.isAnnotationPresent(JsonCreator.class)) {
                m.setAccessible(true);
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private static Class<?> raw(Type type) throws Decline {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return decline();
    }

    private static Type argument(Type type, int i) throws Decline {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : decline();
    }

    private interface Call {
        @Nullable
        Object run() throws ReflectiveOperationException;
    }

    private static Object call(Call call) throws Decline {
        try {
            Object result = call.run();
            return result != null ? result : decline();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return decline();
        }
    }

    private static <T> T decline() throws Decline {
        throw new Decline();
    }

    /** Thrown to decline; no stack trace, as it is an answer, not a failure. */
    private static final class Decline extends Exception {
        Decline() {
            super(null, null, false, false);
        }
    }

    /**
     * An interface's subtypes by name, for the one shape of type information this binder reads: a name in a property
     * of the object ({@code @JsonTypeInfo(use = NAME)}), each subtype named in {@code @JsonSubTypes}, no default.
     */
    private record Subtypes(String property, Map<String, Class<?>> byName) {
        static Optional<Subtypes> of(Class<?> type) {
            JsonTypeInfo info = type.getAnnotation(JsonTypeInfo.class);
            JsonSubTypes listed = type.getAnnotation(JsonSubTypes.class);
            if (info == null
                    || listed == null
                    || info.use() != JsonTypeInfo.Id.NAME
                    || info.include() != JsonTypeInfo.As.PROPERTY
                    || info.visible()
                    || info.defaultImpl() != JsonTypeInfo.class
                    || info.property().isEmpty()) {
                return Optional.empty();
            }
            Map<String, Class<?>> byName = new HashMap<>();
            for (JsonSubTypes.Type t : listed.value()) {
                if (t.name().isEmpty() || t.names().length > 0 || t.value().isAnnotationPresent(JsonTypeName.class)) {
                    return Optional.empty();
                }
                byName.put(t.name(), t.value());
            }
            return Optional.of(new Subtypes(info.property(), Map.copyOf(byName)));
        }
    }

    /**
     * A record's canonical constructor and the keys of its components. Absent for a record databind would bind
     * some other way: one with a {@code @JsonCreator} constructor or Jackson annotations this binder does not know.
     */
    private record RecordModel(Constructor<?> constructor, Map<String, Integer> keys, Class<?>[] raws, Type[] types) {
        static Optional<RecordModel> of(Class<?> type, UnaryOperator<String> naming) {
            for (Annotation a : type.getAnnotations()) {
                if (jackson(a) && !(a instanceof JsonInclude)) {
                    return Optional.empty();
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (c.isAnnotationPresent(JsonCreator.class)) {
                    return Optional.empty();
                }
            }
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] raws = new Class<?>[components.length];
            Type[] types = new Type[components.length];
            for (int i = 0; i < components.length; i++) {
                raws[i] = components[i].getType();
                types[i] = components[i].getGenericType();
            }
            Constructor<?> canonical;
            try {
                canonical = type.getDeclaredConstructor(raws);
            } catch (NoSuchMethodException e) {
                return Optional.empty();
            }
            canonical.setAccessible(true);
            Parameter[] parameters = canonical.getParameters();
            // explicit names as written, the others through the naming strategy, as databind names them
            Map<String, Integer> keys = new HashMap<>();
            for (int i = 0; i < components.length; i++) {
                String key = naming.apply(components[i].getName());
                for (Annotation a : parameters[i].getAnnotations()) {
                    if (a instanceof JsonProperty p
                            && p.access() == JsonProperty.Access.AUTO
                            && !p.required()
                            && !p.value().isEmpty()) {
                        key = p.value();
                    } else if (jackson(a) && !(a instanceof JsonInclude)) {
                        return Optional.empty();
                    }
                }
                if (keys.put(key, i) != null) {
                    return Optional.empty();
                }
            }
            return Optional.of(new RecordModel(canonical, Map.copyOf(keys), raws, types));
        }

        private static boolean jackson(Annotation a) {
            return a.annotationType().getName().startsWith("com.fasterxml.jackson.");
        }

        Class<?> raw(int i) {
            return raws[i];
        }
    }
}
