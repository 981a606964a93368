package io.karst.schemagen;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The group-versions of the generated API classes ({@code CoordinationV1Api} serves
 * {@code /apis/coordination.k8s.io/v1}) and the model classes each one sends or receives. The path
 * is read from the request the client would send, so nothing about groups is typed in here.
 */
final class ApiGroupCatalog {

  record GroupVersion(String group, String version) {
    String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private final Map<String, GroupVersion> byApiClass = new TreeMap<>();
  private final Map<Class<?>, Set<GroupVersion>> usage = new LinkedHashMap<>();

  static ApiGroupCatalog load() throws IOException {
    ApiGroupCatalog catalog = new ApiGroupCatalog();
    ApiClient client = new ApiClient();
    client.setBasePath("http://127.0.0.1");
    for (String className : JarClasses.topLevelClasses(CoreV1Api.class)) {
      try {
        Class<?> api = Class.forName(className);
        Object instance = api.getConstructor(ApiClient.class).newInstance(client);
        Object request = api.getMethod("getAPIResources").invoke(instance);
        Object call = request.getClass().getMethod("buildCall", okhttp3Callback()).invoke(request, (Object) null);
        String path = ((okhttp3.Call) call).request().url().encodedPath();
        GroupVersion gv = parse(path);
        if (gv == null) {
          continue;
        }
        catalog.byApiClass.put(api.getSimpleName(), gv);
        for (Method method : api.getMethods()) {
          for (Type parameter : method.getGenericParameterTypes()) {
            catalog.use(parameter, gv);
          }
          for (Method execute : method.getReturnType().getMethods()) {
            if (execute.getName().equals("execute") && execute.getParameterCount() == 0) {
              catalog.use(execute.getGenericReturnType(), gv);
            }
          }
        }
      } catch (NoSuchMethodException notAGroupVersionApi) {
        // group-level classes (AppsApi) and /version, /logs: no getAPIResources with a group-version path
      } catch (ReflectiveOperationException e) {
        throw new IOException("cannot read the API class " + className, e);
      }
    }
    return catalog;
  }

  private static Class<?> okhttp3Callback() throws ClassNotFoundException {
    return Class.forName("io.kubernetes.client.openapi.ApiCallback");
  }

  /** /api/v1/ or /apis/apps/v1/ */
  static GroupVersion parse(String path) {
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    if (parts.length == 2 && parts[0].equals("api")) {
      return new GroupVersion("", parts[1]);
    }
    if (parts.length == 3 && parts[0].equals("apis")) {
      return new GroupVersion(parts[1], parts[2]);
    }
    return null;
  }

  private void use(Type type, GroupVersion gv) {
    if (type instanceof ParameterizedType parameterized) {
      for (Type argument : parameterized.getActualTypeArguments()) {
        use(argument, gv);
      }
    } else if (type instanceof Class<?> c && c.getPackageName().equals(SchemaGenerator.MODELS_PACKAGE)) {
      usage.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(gv);
    }
  }

  Set<GroupVersion> groupVersions() {
    return new LinkedHashSet<>(byApiClass.values());
  }

  Set<GroupVersion> usedBy(Class<?> model) {
    return usage.getOrDefault(model, Set.of());
  }
}
