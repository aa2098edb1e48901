package dev.nproc.pool.testing;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A launcher like Maven's exec:java or an application server: it is alone on
 * {@code java.class.path}, and runs the application from a {@link URLClassLoader} of its own (the
 * thread's context class loader too). Usage: {@code LoaderLauncher <classpath> <main class> <args...>}.
 * It uses only the JDK, so that it can run from a folder that holds nothing else.
 */
public final class LoaderLauncher {
  private LoaderLauncher() {}

  public static void main(String[] args) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : args[0].split(File.pathSeparator)) {
      urls.add(new File(entry).toURI().toURL());
    }
    ClassLoader app = new URLClassLoader("application", urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    Thread.currentThread().setContextClassLoader(app);
    Method main = Class.forName(args[1], true, app).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
